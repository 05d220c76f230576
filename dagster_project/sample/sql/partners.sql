-- partners: one row per partner k (1..partners). Founders sign up on the old log date; the
-- others spread over the window. `path` says how the partner was recruited: by a ref
-- parameter, a cookie (a click with the same visitor), themselves (own id or email), a ref to
-- a partner who signs up later or never, or not at all. Partners 1-2 and ~6 % are
-- "influencers" who recruit most recruits.
CREATE TABLE partners AS
WITH b AS (
    SELECT k, k <= ${founders} AS founder,
        CASE WHEN k <= ${founders}
            THEN ${o0} + 3600 + ifloor((k - 1 + rnd(k, 'p_ts')) / ${founders} * 75600)
            ELSE ${s0} + ifloor((k - ${founders} - 1 + rnd(k, 'p_ts')) / ${non_founders} * ${window})
        END AS ts,
        rnd(k, 'p_rec') AS u_rec, rnd(k, 'p_path') AS u_path, rnd(k, 'p_self') AS u_self,
        rnd(k, 'p_misc') AS u_misc
    FROM range(1, ${partners} + 1) r(k)
), c AS (
    SELECT *, CASE
        WHEN founder THEN 'founder'
        WHEN k = ${founders} + 3 THEN 'self_id'
        WHEN k = ${founders} + 7 THEN 'self_email'
        WHEN k = ${founders} + 5 THEN 'cookie'
        WHEN k = ${founders} + 6 THEN 'param'
        WHEN u_rec < 0.45 THEN CASE
            WHEN u_self < 0.02 THEN 'self_email'
            WHEN u_path < 0.6 THEN 'param' ELSE 'cookie' END
        WHEN u_self < 0.015 THEN 'self_id'
        WHEN u_self < 0.03 AND k < ${partners} THEN 'future_ref'
        WHEN u_self < 0.04 THEN 'unknown_ref'
        ELSE 'none' END AS path
    FROM b
), infl AS (  -- "influencers" (founders 1-2 and ~6 %) recruit most recruits
    SELECT k, row_number() OVER (ORDER BY k) AS ir FROM c
    WHERE k <= 2 OR rnd(k, 'p_infl') < 0.06
), ic AS (
    SELECT c.*, (SELECT count(*) FROM infl WHERE infl.k < c.k) AS n_infl FROM c
), pick AS (
    SELECT ic.*, CASE WHEN path IN ('param', 'cookie', 'self_email') THEN
        CASE WHEN rnd(k, 'p_rpm') < 0.75 AND n_infl > 0
            THEN -(1 + ifloor(pow(rnd(k, 'p_rp'), 1.5) * n_infl))
            ELSE 1 + ifloor(rnd(k, 'p_rp') * (k - 1)) END END AS pick
    FROM ic
), d AS (
    SELECT pick.*, CASE WHEN pick < 0 THEN infl.k ELSE pick END AS rp
    FROM pick LEFT JOIN infl ON infl.ir = -pick.pick
)
SELECT d.k, pid(d.k) AS partner_id, d.ts, d.founder, d.path, d.rp, r.ts AS rp_ts,
    CASE WHEN d.path = 'cookie' OR d.u_misc >= 0.03 THEN hs(d.k, 'p_vis') END AS vh,
    CASE d.path
        WHEN 'param' THEN q(pid(d.rp))
        WHEN 'self_email' THEN q(pid(d.rp))
        WHEN 'self_id' THEN q(pid(d.k))
        WHEN 'future_ref' THEN q(pid(least(d.k + 1 + ifloor(d.u_misc * 5), ${partners})))
        WHEN 'unknown_ref' THEN q(pid(${partners} + 1 + ifloor(d.u_misc * 500)))
        ELSE CASE WHEN d.u_misc < 0.3 THEN 'null' END END AS ref_json,
    CASE WHEN rnd(d.k, 'p_prog') < 0.25 THEN q('solution')
         WHEN rnd(d.k, 'p_prog') < 0.75 THEN q('affiliate') END AS program_json,
    CASE WHEN d.path = 'self_email' THEN email('p', d.rp)
         WHEN d.u_misc < 0.98 OR d.path <> 'none' THEN email('p', d.k) END AS email_hash
FROM d LEFT JOIN d r ON r.k = d.rp
