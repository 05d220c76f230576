-- Scalar macros shared by every table of the sample. Pseudo-randomness comes from
-- hash(key, tag, seed), so the output depends only on (profile, days, seed).
-- Times are BIGINT epoch seconds (UTC).

-- Uniform in [0, 1) from (a, b) and the seed.
CREATE OR REPLACE MACRO rnd(a, b) AS
    ((hash(a, b, ${seed}::BIGINT) >> 11)::DOUBLE / 9007199254740992.0);
CREATE OR REPLACE MACRO ifloor(x) AS CAST(floor(x) AS BIGINT);
CREATE OR REPLACE MACRO pid(k) AS 'P' || lpad(CAST(k AS VARCHAR), 5, '0');
CREATE OR REPLACE MACRO cid(c) AS 'C' || lpad(CAST(c AS VARCHAR), 6, '0');
-- A JSON string's text.
CREATE OR REPLACE MACRO q(s) AS '"' || s || '"';
CREATE OR REPLACE MACRO day_of(t) AS (DATE '1970-01-01' + CAST(t // 86400 AS INTEGER));
CREATE OR REPLACE MACRO day_epoch(d) AS CAST((d - DATE '1970-01-01') AS BIGINT) * 86400;
CREATE OR REPLACE MACRO hs(a, b) AS hash(a, b, ${seed}::BIGINT);
CREATE OR REPLACE MACRO vhex(v) AS lower(lpad(hex(v), 16, '0'));
CREATE OR REPLACE MACRO ip_txt(h) AS CASE
    WHEN h % 50 = 0 THEN '2001:db8:' || lower(hex((h >> 8) % 65536)) || '::'
        || lower(hex((h >> 24) % 65536))
    ELSE CAST(1 + (h >> 8) % 223 AS VARCHAR) || '.' || CAST((h >> 16) % 256 AS VARCHAR)
        || '.' || CAST((h >> 24) % 256 AS VARCHAR) || '.'
        || CAST(1 + (h >> 32) % 254 AS VARCHAR) END;
CREATE OR REPLACE MACRO email(kind, x) AS
    md5('${seed}:' || kind || ':' || CAST(x AS VARCHAR));

-- Partners whose whole signup slot lies before t (they certainly exist at t).
CREATE OR REPLACE MACRO n_exist(t) AS
    ${founders} + ifloor(greatest(t - ${s0}, 0)::DOUBLE / ${window} * ${non_founders});

-- ISO-8601 text of epoch second t; v picks the (valid) variant.
CREATE OR REPLACE MACRO ts_txt(t, v) AS CASE
    WHEN v < 0.003 THEN strftime(make_timestamp((t + 7200) * 1000000), '%Y-%m-%dT%H:%M:%S')
        || '+02:00'
    WHEN v < 0.004 THEN strftime(make_timestamp((t - 18000) * 1000000), '%Y-%m-%dT%H:%M:%S')
        || '-05:00'
    WHEN v < 0.007 THEN strftime(make_timestamp(t * 1000000), '%Y-%m-%dT%H:%M:%S')
    WHEN v < 0.012 THEN strftime(make_timestamp(t * 1000000), '%Y-%m-%dT%H:%M:%S')
        || '.' || lpad(CAST(ifloor(v * 1e7) % 1000 AS VARCHAR), 3, '0') || 'Z'
    ELSE strftime(make_timestamp(t * 1000000), '%Y-%m-%dT%H:%M:%SZ') END;

-- Late delivery: ~2 % a few days late, ~0.4 % weeks late.
CREATE OR REPLACE MACRO lag_days(x) AS CASE
    WHEN x < 0.004 THEN 7 + ifloor(x / 0.004 * 35)
    WHEN x < 0.024 THEN 1 + ifloor((x - 0.004) / 0.02 * 3)
    ELSE 0 END;
CREATE OR REPLACE MACRO log_day(t, x) AS
    least(day_of(t) + CAST(lag_days(x) AS INTEGER), DATE '${end_date}');

-- The log date of event `seq` of `feed` at time t, and its position (ord) in that day's file:
-- its own time if on time, else a random second of the (later) log date.
CREATE OR REPLACE MACRO late_log_date(t, seq, feed) AS log_day(t, rnd(seq, feed || '_late'));
CREATE OR REPLACE MACRO late_ord(t, seq, feed) AS CASE
    WHEN lag_days(rnd(seq, feed || '_late')) = 0
        OR log_day(t, rnd(seq, feed || '_late')) = day_of(t) THEN t
    ELSE day_epoch(log_day(t, rnd(seq, feed || '_late')))
        + ifloor(rnd(seq, feed || '_arr') * 86400) END;

-- Amounts as JSON: a number or a string, 2 decimals or as few as needed.
CREATE OR REPLACE MACRO amt_num(a) AS rtrim(rtrim(CAST(a AS VARCHAR), '0'), '.');
CREATE OR REPLACE MACRO amt_json(a, v) AS CASE
    WHEN v >= 0.5 THEN amt_num(a)
    WHEN a = round(a, 2) THEN q(CAST(CAST(a AS DECIMAL(18, 2)) AS VARCHAR))
    ELSE q(amt_num(a)) END;

CREATE OR REPLACE MACRO user_agents() AS [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Navigateur-Éducation/2.1 (Français; Zürich)'
];
CREATE OR REPLACE MACRO ua(i) AS user_agents()[1 + i];
CREATE OR REPLACE MACRO prod_path(i) AS
    ['', 'pricing', 'features', 'blog/partner-story', 'docs/getting-started'][1 + i];
