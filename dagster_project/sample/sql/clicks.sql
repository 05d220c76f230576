-- attr_clicks: the clicks that matter for attribution, per partner/customer signup (src 1/2,
-- key). least(sts - greatest(rp_ts, s0), 45 days) is the look-back of the winning clicks.
CREATE TABLE attr_clicks AS
WITH t AS (
    SELECT 1 AS src, k AS key, ts AS sts, vh, path, rp, rp_ts, true AS is_partner, 0 AS ne
    FROM partners WHERE path IN ('cookie', 'param')
    UNION ALL
    SELECT 2, c, ts, vh, path, rp, rp_ts, false, ne
    FROM customers WHERE path IN ('cookie', 'param', 'none') AND vh IS NOT NULL
), win AS (
    SELECT t.*, j.j FROM t, range(0, 3) j(j)
    WHERE path = 'cookie' AND j.j <= ifloor(rnd(key * 4 + src, 'nclk') * 3)
)
-- the clicks that make a cookie attribution
SELECT src, key, 0 AS sub, j AS n,
    sts - ifloor(rnd(key * 4 + j, src || 'wts')
        * least(sts - greatest(rp_ts, ${s0}), 45 * 86400)) AS ts,
    rp AS partner, vh,
    is_partner AND rnd(key, src || 'land') < 0.8 AS pp
FROM win
UNION ALL  -- an older click on another partner's link (the latest click wins)
SELECT src, key, 1, 0,
    sts - least(sts - greatest(rp_ts, ${s0}), 45 * 86400)
        - 86400 * (1 + ifloor(rnd(key, src || 'cts') * 10)),
    1 + ifloor(rnd(key, src || 'cp') * ${founders}), vh, false
FROM t WHERE path = 'cookie' AND rnd(key, src || 'comp') < 0.3
  AND sts - least(sts - greatest(rp_ts, ${s0}), 45 * 86400)
      - 86400 * (1 + ifloor(rnd(key, src || 'cts') * 10)) >= ${s0}
UNION ALL  -- a click besides a ref parameter (the parameter wins)
SELECT src, key, 2, 0, sts - ifloor(rnd(key, src || 'pts') * least(sts - ${s0}, 30 * 86400)),
    1 + ifloor(rnd(key, src || 'pp') * ${founders}), vh, false
FROM t WHERE path = 'param' AND rnd(key, src || 'pclk') < 0.2 AND vh IS NOT NULL
UNION ALL  -- expired cookie: more than 120 days before the signup
SELECT src, key, 3, 0, sts - 86400 * (121 + ifloor(rnd(key, 'exp_t') * 60)),
    1 + ifloor(rnd(key, 'exp_p') * ${founders}), vh, false
FROM t WHERE src = 2 AND path = 'none' AND rnd(key, 'exp') < 0.05
  AND sts - 86400 * (121 + ifloor(rnd(key, 'exp_t') * 60)) >= ${s0}
UNION ALL  -- a click on a partner's link shortly before that partner signed up
SELECT 2, t.key, 4, 0, pp.ts - 3600 * (1 + ifloor(rnd(t.key, 'pre_t') * 48)),
    t.ne, t.vh, false
FROM t JOIN partners pp ON pp.k = t.ne
WHERE t.src = 2 AND t.path = 'none' AND rnd(t.key, 'exp') >= 0.05 AND rnd(t.key, 'exp') < 0.1
  AND t.ne > ${founders} AND pp.ts - 3600 * (1 + ifloor(rnd(t.key, 'pre_t') * 48)) >= ${s0};

-- clicks_ev: the attribution clicks plus filler clicks up to n_target (clicks_per_signup per
-- signup) from n_visitors visitors, ~1 % bots without a visitor. Narrow: the JSON field
-- texts are computed when the lines are rendered (clicks_fields.sql).
CREATE TABLE clicks_ev AS
WITH b AS (
    SELECT i, ${s0} + ifloor(rnd(i, 'f_ts') * ${window}) AS ts
    FROM range(0, greatest(0, ${n_target} - (SELECT count(*) FROM attr_clicks))) r(i)
), a AS (
    SELECT src, key, sub, n, ts, partner, vh, pp FROM attr_clicks
    WHERE ts >= ${s0} AND ts < ${end_ts}
    UNION ALL
    SELECT 0, i, 0, 0, ts,
        CASE WHEN rnd(i, 'f_fut') < 0.001
                THEN least(n_exist(ts) + 1 + ifloor(rnd(i, 'f_fp') * 20), ${partners})
             ELSE 1 + ifloor(pow(rnd(i, 'f_p'), 2) * n_exist(ts)) END,
        CASE WHEN rnd(i, 'f_bot') >= 0.01
            THEN hs(ifloor(rnd(i, 'f_v') * ${n_visitors}), 'f_vis') END,
        rnd(i, 'f_land') < 0.15
    FROM b
), n AS (
    SELECT *, row_number() OVER (ORDER BY ts, src, key, sub, n) AS seq FROM a
)
SELECT seq, ts, partner, vh, pp,
    late_log_date(ts, seq, 'clicks') AS log_date, late_ord(ts, seq, 'clicks') AS ord
FROM n
