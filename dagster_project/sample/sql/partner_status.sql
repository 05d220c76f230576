-- status_src: ~8 % of partners suspended (then reactivated, terminated or left suspended),
-- ~2.5 % terminated outright, ~2 % get a redundant `active` confirmation. Partners 2,
-- founders + 2 and founders + 9 are always suspended; partner 4 is always terminated.
CREATE TABLE status_src AS
WITH pp AS (
    SELECT k, greatest(ts, ${s0}) AS t0, rnd(k, 's_a') AS ua, rnd(k, 's_b') AS ub,
        rnd(k, 's_c') AS uc, rnd(k, 's_d') AS ud
    FROM partners
), s AS (
    SELECT *, t0 + 3600 + ifloor(ub * (${end_ts} - t0) * 0.7) AS st FROM pp
    WHERE (ua < 0.08 AND k <> 4) OR k IN (2, ${founders} + 2, ${founders} + 9)
)
SELECT k, st AS ts, 1 AS o, 'suspended' AS status FROM s
UNION ALL
SELECT k, st + 86400 * (1 + ifloor(ud * 30)), 2, 'active' FROM s
WHERE uc < 0.6 OR k = ${founders} + 2
UNION ALL
SELECT k, st + 86400 * (1 + ifloor(ud * 20)), 3, 'terminated' FROM s
WHERE NOT (uc < 0.6 OR k = ${founders} + 2) AND (uc > 0.85 OR k = ${founders} + 9)
UNION ALL
SELECT k, t0 + 3600 + ifloor(ub * (${end_ts} - t0 - 3600)), 4, 'terminated' FROM pp
WHERE ((ua >= 0.08 AND ua < 0.105) OR k = 4)
  AND k NOT IN (2, ${founders} + 2, ${founders} + 9)
UNION ALL  -- redundant confirmations
SELECT k, t0 + 600 + ifloor(uc * (${end_ts} - t0 - 600)), 5, 'active' FROM pp
WHERE ua >= 0.105 AND ua < 0.125;

CREATE TABLE partner_status_ev AS
WITH n AS (
    SELECT *, row_number() OVER (ORDER BY ts, k, o) AS seq FROM status_src WHERE ts < ${end_ts}
)
SELECT seq, ts,
    late_log_date(ts, seq, 'partner_status') AS log_date,
    late_ord(ts, seq, 'partner_status') AS ord,
    q('pst_' || lpad(CAST(seq AS VARCHAR), 6, '0')) AS f_event_id,
    q(ts_txt(ts, rnd(seq, 'partner_status_tsv'))) AS f_ts,
    q(pid(k)) AS f_partner_id,
    q(status) AS f_status
FROM n
