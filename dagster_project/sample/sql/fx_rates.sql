-- fx_rates_ev: USD per EUR, GBP and JPY on business days from 10 days before the first log
-- date (those in the first file), ~3 % of days missing at random, GBP missing for 12 days
-- from day fx_gap_start, ~3 % published 1-4 days late. No CHF rate, ever.
CREATE TABLE fx_rates_ev AS
WITH d AS (
    SELECT DATE '${start_date}' + CAST(i AS INTEGER) AS d, i FROM range(-10, ${days}) r(i)
), cur AS (
    SELECT * FROM (VALUES (1, 'EUR', 1.08), (2, 'GBP', 1.27), (3, 'JPY', 0.0067))
        v(ci, cur, base)
), x AS (
    SELECT d, i, ci, cur,
        CAST(round(base * (1 + 0.03 * sin(i / 13.0 + ci)
            + 0.004 * (rnd(i * 8 + ci, 'fx_n') - 0.5)), 6) AS DECIMAL(18, 6)) AS rate,
        rnd(i * 8 + ci, 'fx_late') AS ul
    FROM d, cur
    WHERE dayofweek(d) NOT IN (0, 6)
      AND rnd(i * 8 + ci, 'fx_miss') >= 0.03
      AND NOT (cur = 'GBP' AND i BETWEEN ${fx_gap_start} AND ${fx_gap_start} + 11)
), n AS (
    SELECT *, row_number() OVER (ORDER BY d, ci) AS seq,
        CASE WHEN i < 0 THEN DATE '${start_date}'
             WHEN ul < 0.03 THEN least(d + CAST(1 + ifloor(ul / 0.03 * 4) AS INTEGER),
                DATE '${end_date}')
             ELSE d END AS log_date
    FROM x
)
SELECT seq, day_epoch(d) AS ts, rate, log_date,
    CASE WHEN log_date = d THEN day_epoch(d) + 16 * 3600 + ci
         WHEN i < 0 THEN day_epoch(log_date) + i
         ELSE day_epoch(log_date) + ifloor(ul * 1e6) % 86400 END AS ord,
    q(strftime(d, '%Y-%m-%d')) AS f_date,
    q(cur) AS f_currency,
    amt_json(rate, rnd(seq, 'fx_v')) AS f_usd_per_unit
FROM n
