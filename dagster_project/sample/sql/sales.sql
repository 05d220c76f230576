-- charges: monthly charges of every customer (plan price, ~15 % plus usage), and of a few
-- customers with no known signup (ghosts).
CREATE TABLE charges AS
WITH cm AS (
    SELECT c.c AS cust, m.m, c.customer_id, c.currency, c.base, c.usage, c.ts AS cts
    FROM customers c, range(0, 37) m(m) WHERE m.m < c.months
    UNION ALL  -- customers with no known signup
    SELECT ${customers} + 1000 + g, m.m, cid(${customers} + 1000 + g), 'USD',
        49.00::DECIMAL(18, 4), false, ${s0} + ifloor(rnd(g, 'ghost') * ${window})
    FROM range(0, ${ghosts}) g(g), range(0, 3) m(m)
)
SELECT cust, m, CASE WHEN m = 0 THEN cts + 60 + ifloor(rnd(cust * 64 + m, 'ch_t') * 3000)
        ELSE cts + m * ${month} + ifloor(rnd(cust * 64 + m, 'ch_t') * 7200) - 3600 END AS ts,
    customer_id, currency,
    CAST(base + CASE WHEN NOT usage THEN 0
        WHEN currency = 'JPY' THEN round(rnd(cust * 64 + m, 'ch_u') * 5000, 0)
        ELSE round(rnd(cust * 64 + m, 'ch_u') * 50, 4) END AS DECIMAL(18, 4)) AS amount
FROM cm
WHERE CASE WHEN m = 0 THEN cts + 60 + ifloor(rnd(cust * 64 + m, 'ch_t') * 3000)
        ELSE cts + m * ${month} + ifloor(rnd(cust * 64 + m, 'ch_t') * 7200) - 3600 END
    < ${end_ts};

-- reversals of charges: rk says which reversal(s) a charge gets (full or partial refund, two
-- partial refunds, a chargeback); customers 1-4 are forced to get one of each.
CREATE TABLE reversals AS
WITH ch AS (
    SELECT *, CASE
            WHEN cust = 1 AND m = 0 THEN 'full' WHEN cust = 2 AND m = 0 THEN 'partial'
            WHEN cust = 3 AND m = 0 THEN 'two' WHEN cust = 4 AND m = 0 THEN 'chargeback'
            WHEN rnd(cust * 64 + m, 'rv') < 0.02 THEN 'full'
            WHEN rnd(cust * 64 + m, 'rv') < 0.04 THEN 'partial'
            WHEN rnd(cust * 64 + m, 'rv') < 0.045 THEN 'two'
            WHEN rnd(cust * 64 + m, 'rv') < 0.05 THEN 'chargeback' END AS rk,
        CASE WHEN cust <= 4 THEN 0.05 ELSE rnd(cust * 64 + m, 'rv2') END AS u2,
        currency = 'JPY' AS jpy
    FROM charges
), r AS (
    SELECT cust, m, 1 AS r, ts + 86400 + ifloor(u2 * 19 * 86400) AS ts, customer_id, currency,
        'refund' AS type, amount FROM ch WHERE rk = 'full'
    UNION ALL
    SELECT cust, m, 1, ts + 86400 + ifloor(u2 * 19 * 86400), customer_id, currency, 'refund',
        CASE WHEN jpy THEN greatest(round(amount * CAST(0.1 + 0.8 * u2 AS DECIMAL(6, 4)), 0), 1)
             ELSE greatest(round(amount * CAST(0.1 + 0.8 * u2 AS DECIMAL(6, 4)), 2), 0.01) END
    FROM ch WHERE rk = 'partial'
    UNION ALL
    SELECT cust, m, x.r, ts + 86400 * (x.r * 3) + ifloor(u2 * 86400), customer_id, currency,
        'refund', CASE WHEN jpy THEN greatest(round(amount * x.f, 0), 1)
                       ELSE greatest(round(amount * x.f, 2), 0.01) END
    FROM ch, (VALUES (1, 0.30), (2, 0.20)) x(r, f) WHERE rk = 'two'
    UNION ALL
    SELECT cust, m, 1, ts + 86400 * (CASE WHEN cust <= 4 THEN 2 ELSE 10 END)
            + ifloor(u2 * 50 * 86400), customer_id, currency, 'chargeback', amount
    FROM ch WHERE rk = 'chargeback'
)
SELECT cust, m, r, ts, customer_id, currency, type, CAST(amount AS DECIMAL(18, 4)) AS amount
FROM r WHERE ts < ${end_ts};

-- orphans: reversals of no known sale (refers_to unknown or missing), ~1 per 1,000 charges.
CREATE TABLE orphans AS
SELECT c.c AS cust, -1 - o.j AS m, 1 AS r,
    c.ts + ifloor(rnd(o.j, 'or_t') * (${end_ts} - c.ts)) AS ts, c.customer_id, c.currency,
    CASE WHEN o.j % 3 = 2 THEN 'chargeback' ELSE 'refund' END AS type,
    CAST(CASE WHEN c.currency = 'JPY' THEN 500 ELSE 7.5 END AS DECIMAL(18, 4)) AS amount,
    CASE WHEN o.j % 2 = 0 THEN q('sal_9' || lpad(CAST(o.j AS VARCHAR), 7, '0')) END
        AS refers_json
FROM range(0, greatest(2, (SELECT count(*) FROM charges) // 1000)) o(j)
JOIN customers c ON c.c = 1 + ifloor(rnd(o.j, 'or_c') * ${customers});

-- sales_ev: charges, reversals (refers_to their charge's sale_id) and orphans in time order.
CREATE TABLE sales_ev AS
WITH a AS (
    SELECT cust, m, 0 AS r, ts, customer_id, currency, 'charge' AS type, amount,
        NULL AS refers_json FROM charges
    UNION ALL SELECT *, NULL FROM reversals
    UNION ALL SELECT * FROM orphans
), n AS (
    SELECT *, row_number() OVER (ORDER BY ts, cust, m, r) AS seq FROM a
), x AS (
    SELECT n.*, coalesce(n.refers_json, CASE WHEN n.r > 0 AND n.m >= 0
        THEN q('sal_' || lpad(CAST(ch.seq AS VARCHAR), 8, '0')) END) AS refers
    FROM n LEFT JOIN n ch ON n.r > 0 AND ch.cust = n.cust AND ch.m = n.m AND ch.r = 0
)
SELECT seq, ts, amount,
    late_log_date(ts, seq, 'sales') AS log_date, late_ord(ts, seq, 'sales') AS ord,
    q('sal_' || lpad(CAST(seq AS VARCHAR), 8, '0')) AS f_sale_id,
    q(ts_txt(ts, rnd(seq, 'sales_tsv'))) AS f_ts,
    q(customer_id) AS f_customer_id,
    q(type) AS f_type,
    amt_json(amount, rnd(seq, 'sales_amt')) AS f_amount,
    q(currency) AS f_currency,
    refers AS f_refers_to
FROM x
