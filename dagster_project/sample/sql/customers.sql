-- customers: one row per customer c (1..customers), signing up over the window, referred
-- like partners (parameter, cookie, self, future or unknown partner, none), each paying a
-- monthly plan in one currency (USD, EUR, GBP, JPY, a few CHF) for `months` months.
CREATE TABLE customers AS
WITH b AS (
    SELECT c, ${s0} + ifloor((c - 1 + rnd(c, 'c_ts')) / ${customers} * ${window}) AS ts,
        rnd(c, 'c_path') AS u_path, rnd(c, 'c_self') AS u_self, rnd(c, 'c_misc') AS u_misc,
        rnd(c, 'c_cur') AS u_cur, rnd(c, 'c_plan') AS u_plan
    FROM range(1, ${customers} + 1) r(c)
), c2 AS (
    SELECT *, n_exist(ts) AS ne, CASE
        WHEN c = 5 THEN 'self_email' WHEN c = 6 THEN 'cookie'
        WHEN c = 7 THEN 'param' WHEN c = 8 THEN 'none'
        WHEN u_path < 0.45 THEN CASE WHEN u_self < 0.01 THEN 'self_email' ELSE 'param' END
        WHEN u_path < 0.80 THEN 'cookie'
        WHEN u_self < 0.05 AND n_exist(ts) + 2 <= ${partners} THEN 'future_ref'
        WHEN u_self < 0.08 THEN 'unknown_ref'
        ELSE 'none' END AS path
    FROM b
), c3 AS (
    SELECT *, 1 + ifloor(pow(rnd(c, 'c_rp'), 2) * ne) AS rp,
        CASE WHEN u_cur < 0.50 THEN 'USD' WHEN u_cur < 0.75 THEN 'EUR'
             WHEN u_cur < 0.90 THEN 'GBP' WHEN u_cur < 0.99 THEN 'JPY' ELSE 'CHF'
        END AS currency,
        [19.00, 29.99, 49.00, 99.00, 249.00][1 + ifloor(u_plan * 5)]::DECIMAL(18, 4) AS base_usd
    FROM c2
)
SELECT c3.c, cid(c3.c) AS customer_id, c3.ts, c3.path, c3.rp, p.ts AS rp_ts, c3.ne,
    c3.currency,
    CASE c3.currency
        WHEN 'USD' THEN c3.base_usd
        WHEN 'EUR' THEN round(c3.base_usd * 0.92, 2)
        WHEN 'GBP' THEN round(c3.base_usd * 0.79, 2)
        WHEN 'CHF' THEN round(c3.base_usd * 0.88, 2)
        ELSE round(c3.base_usd * 150, -1) END::DECIMAL(18, 4) AS base,
    rnd(c3.c, 'c_usage') < 0.15 AS usage,
    least(36, 1 + ifloor(ln(greatest(rnd(c3.c, 'c_months'), 1e-12)) / ln(0.88))) AS months,
    CASE WHEN c3.path = 'cookie' OR c3.u_misc >= 0.04 THEN hs(c3.c, 'c_vis') END AS vh,
    CASE c3.path
        WHEN 'param' THEN q(pid(c3.rp))
        WHEN 'self_email' THEN q(pid(c3.rp))
        WHEN 'future_ref'
            THEN q(pid(c3.ne + 2 + ifloor(c3.u_misc * 10) % (${partners} - c3.ne - 1)))
        WHEN 'unknown_ref' THEN q(pid(${partners} + 1 + ifloor(c3.u_misc * 500)))
        ELSE CASE WHEN c3.u_misc < 0.2 THEN 'null' END END AS ref_json,
    CASE WHEN c3.path = 'self_email' THEN email('p', c3.rp)
         WHEN c3.u_misc < 0.985 OR c3.path <> 'none' THEN email('c', c3.c) END AS email_hash
FROM c3 JOIN partners p ON p.k = c3.rp
