-- signups: every partner, customer and re-signup as one signup event, in time order.
CREATE TABLE signups_src AS
SELECT 0 AS cat, k AS key, ts, 'partner' AS kind, partner_id AS account_id, vh,
    ref_json, program_json, email_hash, founder
FROM partners
UNION ALL
SELECT 1, c, ts, 'customer', customer_id, vh, ref_json, NULL, email_hash, false
FROM customers
UNION ALL
SELECT 2, c, ts, 'customer', customer_id, vh, NULL, NULL, email_hash, false
FROM resignups;

-- The founders' signups all sit in the one old log-date file.
CREATE TABLE signups_ev AS
WITH n AS (SELECT *, row_number() OVER (ORDER BY ts, cat, key) AS seq FROM signups_src)
SELECT seq, ts, kind, account_id,
    CASE WHEN founder THEN DATE '${old_date}' ELSE late_log_date(ts, seq, 'signups')
        END AS log_date,
    CASE WHEN founder THEN ts ELSE late_ord(ts, seq, 'signups') END AS ord,
    q('sgn_' || lpad(CAST(seq AS VARCHAR), 7, '0')) AS f_signup_id,
    q(ts_txt(ts, rnd(seq, 'signups_tsv'))) AS f_ts,
    q(kind) AS f_kind,
    q(account_id) AS f_account_id,
    q(vhex(vh)) AS f_visitor_id,
    ref_json AS f_ref_partner_id,
    program_json AS f_program,
    q(email_hash) AS f_email_hash
FROM n
