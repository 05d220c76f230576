"""DuckDB SQL that builds the sample logs (used by :mod:`dagster_project.generate`).

Everything is vectorised SQL. Pseudo-randomness comes from ``hash(key, tag, seed)`` so the
output depends only on (profile, days, seed). Times are BIGINT epoch seconds (UTC).

Pipeline per feed:

1. ``<feed>_ev``: one row per *valid* event with ``seq`` (1..N), ``log_date``, ``ord`` (position
   inside the day's file) and one column per JSON field holding the field's JSON value text
   (NULL = field absent), plus the raw columns the malformations need.
2. ``<feed>_lines``: the rendered valid lines, the redelivered copies and the malformed extra
   lines (built from the field columns by per-kind overrides), each tagged with ``kind``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Seconds per day / per 30-day billing month.
DAY = 86_400
MONTH = 30 * DAY

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Navigateur-Éducation/2.1 (Français; Zürich)",
]

PRODUCT_PATHS = ["", "pricing", "features", "blog/partner-story", "docs/getting-started"]


@dataclass(frozen=True)
class Params:
    """Numbers the SQL is built from (all derived from profile, days and seed)."""

    seed: int
    days: int
    start_date: str  # first regular log date, YYYY-MM-DD
    end_date: str  # last log date
    old_date: str  # the single old log date (signups only)
    s0: int  # epoch seconds of start_date 00:00 UTC
    o0: int  # epoch seconds of old_date 00:00 UTC
    partners: int
    founders: int
    customers: int
    clicks_per_signup: int = 50
    malformed_rate: float = 0.001
    malformed_min: int = 1
    gz_every: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def window(self) -> int:
        return self.days * DAY

    @property
    def end_ts(self) -> int:
        return self.s0 + self.window

    @property
    def fx_gap_start(self) -> int:
        """Day index (0 = start_date) where the GBP rates stop for 12 days."""
        return max(1, self.days // 2 - 6)


def macros(p: Params) -> list[str]:
    ua = "[" + ", ".join("'" + u + "'" for u in USER_AGENTS) + "]"
    paths = "[" + ", ".join("'" + x + "'" for x in PRODUCT_PATHS) + "]"
    npw = p.partners - p.founders
    return [
        f"""CREATE OR REPLACE MACRO rnd(a, b) AS
            ((hash(a, b, {p.seed}::BIGINT) >> 11)::DOUBLE / 9007199254740992.0)""",
        "CREATE OR REPLACE MACRO ifloor(x) AS CAST(floor(x) AS BIGINT)",
        "CREATE OR REPLACE MACRO pid(k) AS 'P' || lpad(CAST(k AS VARCHAR), 5, '0')",
        "CREATE OR REPLACE MACRO cid(c) AS 'C' || lpad(CAST(c AS VARCHAR), 6, '0')",
        "CREATE OR REPLACE MACRO q(s) AS '\"' || s || '\"'",
        "CREATE OR REPLACE MACRO day_of(t) AS (DATE '1970-01-01' + CAST(t // 86400 AS INTEGER))",
        "CREATE OR REPLACE MACRO day_epoch(d) AS CAST((d - DATE '1970-01-01') AS BIGINT) * 86400",
        f"CREATE OR REPLACE MACRO hs(a, b) AS hash(a, b, {p.seed}::BIGINT)",
        "CREATE OR REPLACE MACRO vhex(v) AS lower(lpad(hex(v), 16, '0'))",
        """CREATE OR REPLACE MACRO ip_txt(h) AS CASE
            WHEN h % 50 = 0 THEN '2001:db8:' || lower(hex((h >> 8) % 65536)) || '::'
                || lower(hex((h >> 24) % 65536))
            ELSE CAST(1 + (h >> 8) % 223 AS VARCHAR) || '.' || CAST((h >> 16) % 256 AS VARCHAR)
                || '.' || CAST((h >> 24) % 256 AS VARCHAR) || '.'
                || CAST(1 + (h >> 32) % 254 AS VARCHAR) END""",
        f"""CREATE OR REPLACE MACRO email(kind, x) AS
            md5('{p.seed}:' || kind || ':' || CAST(x AS VARCHAR))""",
        # Partners whose whole signup slot lies before t (they certainly exist at t).
        f"""CREATE OR REPLACE MACRO n_exist(t) AS
            {p.founders} + ifloor(greatest(t - {p.s0}, 0)::DOUBLE / {p.window} * {npw})""",
        # ISO-8601 text of epoch second t; v picks the (valid) variant.
        """CREATE OR REPLACE MACRO ts_txt(t, v) AS CASE
            WHEN v < 0.003 THEN strftime(make_timestamp((t + 7200) * 1000000), '%Y-%m-%dT%H:%M:%S')
                || '+02:00'
            WHEN v < 0.004 THEN strftime(make_timestamp((t - 18000) * 1000000), '%Y-%m-%dT%H:%M:%S')
                || '-05:00'
            WHEN v < 0.007 THEN strftime(make_timestamp(t * 1000000), '%Y-%m-%dT%H:%M:%S')
            WHEN v < 0.012 THEN strftime(make_timestamp(t * 1000000), '%Y-%m-%dT%H:%M:%S')
                || '.' || lpad(CAST(ifloor(v * 1e7) % 1000 AS VARCHAR), 3, '0') || 'Z'
            ELSE strftime(make_timestamp(t * 1000000), '%Y-%m-%dT%H:%M:%SZ') END""",
        # Late delivery: ~2 % a few days late, ~0.4 % weeks late.
        """CREATE OR REPLACE MACRO lag_days(x) AS CASE
            WHEN x < 0.004 THEN 7 + ifloor(x / 0.004 * 35)
            WHEN x < 0.024 THEN 1 + ifloor((x - 0.004) / 0.02 * 3)
            ELSE 0 END""",
        f"""CREATE OR REPLACE MACRO log_day(t, x) AS
            least(day_of(t) + CAST(lag_days(x) AS INTEGER), DATE '{p.end_date}')""",
        "CREATE OR REPLACE MACRO amt_num(a) AS rtrim(rtrim(CAST(a AS VARCHAR), '0'), '.')",
        """CREATE OR REPLACE MACRO amt_json(a, v) AS CASE
            WHEN v >= 0.5 THEN amt_num(a)
            WHEN a = round(a, 2) THEN q(CAST(CAST(a AS DECIMAL(18, 2)) AS VARCHAR))
            ELSE q(amt_num(a)) END""",
        f"CREATE OR REPLACE MACRO ua(i) AS {ua}[1 + i]",
        f"CREATE OR REPLACE MACRO prod_path(i) AS {paths}[1 + i]",
    ]


# --------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------


def entities(p: Params) -> list[str]:
    f, np_, nc, s0, w, end = p.founders, p.partners, p.customers, p.s0, p.window, p.end_ts
    npw = np_ - f
    partners = f"""
    CREATE TABLE partners AS
    WITH b AS (
        SELECT k, k <= {f} AS founder,
            CASE WHEN k <= {f}
                THEN {p.o0} + 3600 + ifloor((k - 1 + rnd(k, 'p_ts')) / {f} * 75600)
                ELSE {s0} + ifloor((k - {f} - 1 + rnd(k, 'p_ts')) / {npw} * {w})
            END AS ts,
            rnd(k, 'p_rec') AS u_rec, rnd(k, 'p_path') AS u_path, rnd(k, 'p_self') AS u_self,
            rnd(k, 'p_misc') AS u_misc
        FROM range(1, {np_ + 1}) r(k)
    ), c AS (
        SELECT *, CASE
            WHEN founder THEN 'founder'
            WHEN k = {f} + 3 THEN 'self_id'
            WHEN k = {f} + 7 THEN 'self_email'
            WHEN k = {f} + 5 THEN 'cookie'
            WHEN k = {f} + 6 THEN 'param'
            WHEN u_rec < 0.45 THEN CASE
                WHEN u_self < 0.02 THEN 'self_email'
                WHEN u_path < 0.6 THEN 'param' ELSE 'cookie' END
            WHEN u_self < 0.015 THEN 'self_id'
            WHEN u_self < 0.03 AND k < {np_} THEN 'future_ref'
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
            WHEN 'future_ref' THEN q(pid(least(d.k + 1 + ifloor(d.u_misc * 5), {np_})))
            WHEN 'unknown_ref' THEN q(pid({np_} + 1 + ifloor(d.u_misc * 500)))
            ELSE CASE WHEN d.u_misc < 0.3 THEN 'null' END END AS ref_json,
        CASE WHEN rnd(d.k, 'p_prog') < 0.25 THEN q('solution')
             WHEN rnd(d.k, 'p_prog') < 0.75 THEN q('affiliate') END AS program_json,
        CASE WHEN d.path = 'self_email' THEN email('p', d.rp)
             WHEN d.u_misc < 0.98 OR d.path <> 'none' THEN email('p', d.k) END AS email_hash
    FROM d LEFT JOIN d r ON r.k = d.rp
    """
    customers = f"""
    CREATE TABLE customers AS
    WITH b AS (
        SELECT c, {s0} + ifloor((c - 1 + rnd(c, 'c_ts')) / {nc} * {w}) AS ts,
            rnd(c, 'c_path') AS u_path, rnd(c, 'c_self') AS u_self, rnd(c, 'c_misc') AS u_misc,
            rnd(c, 'c_cur') AS u_cur, rnd(c, 'c_plan') AS u_plan
        FROM range(1, {nc + 1}) r(c)
    ), c2 AS (
        SELECT *, n_exist(ts) AS ne, CASE
            WHEN c = 5 THEN 'self_email' WHEN c = 6 THEN 'cookie'
            WHEN c = 7 THEN 'param' WHEN c = 8 THEN 'none'
            WHEN u_path < 0.45 THEN CASE WHEN u_self < 0.01 THEN 'self_email' ELSE 'param' END
            WHEN u_path < 0.80 THEN 'cookie'
            WHEN u_self < 0.05 AND n_exist(ts) + 2 <= {np_} THEN 'future_ref'
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
            WHEN 'future_ref' THEN q(pid(c3.ne + 2 + ifloor(c3.u_misc * 10) % ({np_} - c3.ne - 1)))
            WHEN 'unknown_ref' THEN q(pid({np_} + 1 + ifloor(c3.u_misc * 500)))
            ELSE CASE WHEN c3.u_misc < 0.2 THEN 'null' END END AS ref_json,
        CASE WHEN c3.path = 'self_email' THEN email('p', c3.rp)
             WHEN c3.u_misc < 0.985 OR c3.path <> 'none' THEN email('c', c3.c) END AS email_hash
    FROM c3 JOIN partners p ON p.k = c3.rp
    """
    # A customer account that signs up a second time later (the earliest signup counts).
    resignups = f"""
    CREATE TABLE resignups AS
    SELECT c, customer_id, ts + 86400 * (1 + ifloor(rnd(c, 'rs_t') * 10)) AS ts,
        hs(c, 'rs_vis') AS vh, email_hash
    FROM customers
    WHERE (c = 11 OR rnd(c, 'rs') < 0.005)
      AND ts + 86400 * (1 + ifloor(rnd(c, 'rs_t') * 10)) < {end}
    """
    return [partners, customers, resignups]


# --------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------


def _late_cols(feed: str) -> str:
    """log_date and ord (position in file) from ts and seq."""
    return f"""log_day(ts, rnd(seq, '{feed}_late')) AS log_date,
        CASE WHEN lag_days(rnd(seq, '{feed}_late')) = 0 OR log_day(ts, rnd(seq, '{feed}_late'))
                = day_of(ts) THEN ts
             ELSE day_epoch(log_day(ts, rnd(seq, '{feed}_late')))
                + ifloor(rnd(seq, '{feed}_arr') * 86400) END AS ord"""


def signups_ev(p: Params) -> list[str]:
    return [
        """
    CREATE TABLE signups_src AS
    SELECT 0 AS cat, k AS key, ts, 'partner' AS kind, partner_id AS account_id, vh,
        ref_json, program_json, email_hash, founder
    FROM partners
    UNION ALL
    SELECT 1, c, ts, 'customer', customer_id, vh, ref_json, NULL, email_hash, false
    FROM customers
    UNION ALL
    SELECT 2, c, ts, 'customer', customer_id, vh, NULL, NULL, email_hash, false
    FROM resignups
    """,
        f"""
    CREATE TABLE signups_ev AS
    WITH n AS (SELECT *, row_number() OVER (ORDER BY ts, cat, key) AS seq FROM signups_src)
    SELECT seq, ts, kind, account_id,
        CASE WHEN founder THEN DATE '{p.old_date}' ELSE log_day(ts, rnd(seq, 'signups_late'))
            END AS log_date,
        CASE WHEN founder OR lag_days(rnd(seq, 'signups_late')) = 0
                OR log_day(ts, rnd(seq, 'signups_late')) = day_of(ts) THEN ts
             ELSE day_epoch(log_day(ts, rnd(seq, 'signups_late')))
                + ifloor(rnd(seq, 'signups_arr') * 86400) END AS ord,
        q('sgn_' || lpad(CAST(seq AS VARCHAR), 7, '0')) AS f_signup_id,
        q(ts_txt(ts, rnd(seq, 'signups_tsv'))) AS f_ts,
        q(kind) AS f_kind,
        q(account_id) AS f_account_id,
        q(vhex(vh)) AS f_visitor_id,
        ref_json AS f_ref_partner_id,
        program_json AS f_program,
        q(email_hash) AS f_email_hash
    FROM n
    """,
    ]


def clicks_ev(p: Params, n_signups: int) -> list[str]:
    """Narrow ``clicks_ev`` (the JSON field texts are ``CLICKS_FIELDS``, computed on render)."""
    f, np_, s0, w, end = p.founders, p.partners, p.s0, p.window, p.end_ts
    lb = f"least(sts - greatest(rp_ts, {s0}), 45 * 86400)"  # look-back of the winning clicks
    attr = f"""
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
    SELECT src, key, 0 AS sub, j AS n, sts - ifloor(rnd(key * 4 + j, src || 'wts') * {lb}) AS ts,
        rp AS partner, vh,
        is_partner AND rnd(key, src || 'land') < 0.8 AS pp
    FROM win
    UNION ALL  -- an older click on another partner's link (the latest click wins)
    SELECT src, key, 1, 0, sts - {lb} - 86400 * (1 + ifloor(rnd(key, src || 'cts') * 10)),
        1 + ifloor(rnd(key, src || 'cp') * {f}), vh, false
    FROM t WHERE path = 'cookie' AND rnd(key, src || 'comp') < 0.3
      AND sts - {lb} - 86400 * (1 + ifloor(rnd(key, src || 'cts') * 10)) >= {s0}
    UNION ALL  -- a click besides a ref parameter (the parameter wins)
    SELECT src, key, 2, 0, sts - ifloor(rnd(key, src || 'pts') * least(sts - {s0}, 30 * 86400)),
        1 + ifloor(rnd(key, src || 'pp') * {f}), vh, false
    FROM t WHERE path = 'param' AND rnd(key, src || 'pclk') < 0.2 AND vh IS NOT NULL
    UNION ALL  -- expired cookie: more than 120 days before the signup
    SELECT src, key, 3, 0, sts - 86400 * (121 + ifloor(rnd(key, 'exp_t') * 60)),
        1 + ifloor(rnd(key, 'exp_p') * {f}), vh, false
    FROM t WHERE src = 2 AND path = 'none' AND rnd(key, 'exp') < 0.05
      AND sts - 86400 * (121 + ifloor(rnd(key, 'exp_t') * 60)) >= {s0}
    UNION ALL  -- a click on a partner's link shortly before that partner signed up
    SELECT 2, t.key, 4, 0, pp.ts - 3600 * (1 + ifloor(rnd(t.key, 'pre_t') * 48)),
        t.ne, t.vh, false
    FROM t JOIN partners pp ON pp.k = t.ne
    WHERE t.src = 2 AND t.path = 'none' AND rnd(t.key, 'exp') >= 0.05 AND rnd(t.key, 'exp') < 0.1
      AND t.ne > {f} AND pp.ts - 3600 * (1 + ifloor(rnd(t.key, 'pre_t') * 48)) >= {s0}
    """
    n_target = p.clicks_per_signup * n_signups
    n_visitors = max(1, n_target // 3)
    ev = f"""
    CREATE TABLE clicks_ev AS
    WITH b AS (
        SELECT i, {s0} + ifloor(rnd(i, 'f_ts') * {w}) AS ts
        FROM range(0, greatest(0, {n_target} - (SELECT count(*) FROM attr_clicks))) r(i)
    ), a AS (
        SELECT src, key, sub, n, ts, partner, vh, pp FROM attr_clicks
        WHERE ts >= {s0} AND ts < {end}
        UNION ALL
        SELECT 0, i, 0, 0, ts,
            CASE WHEN rnd(i, 'f_fut') < 0.001
                    THEN least(n_exist(ts) + 1 + ifloor(rnd(i, 'f_fp') * 20), {np_})
                 ELSE 1 + ifloor(pow(rnd(i, 'f_p'), 2) * n_exist(ts)) END,
            CASE WHEN rnd(i, 'f_bot') >= 0.01
                THEN hs(ifloor(rnd(i, 'f_v') * {n_visitors}), 'f_vis') END,
            rnd(i, 'f_land') < 0.15
        FROM b
    ), n AS (
        SELECT *, row_number() OVER (ORDER BY ts, src, key, sub, n) AS seq FROM a
    )
    SELECT seq, ts, partner, vh, pp, {_late_cols("clicks")} FROM n
    """
    return [attr, ev]


# JSON field texts of a click, from the narrow clicks_ev columns.
CLICKS_FIELDS = f"""
        q('clk_' || lpad(CAST(seq AS VARCHAR), 9, '0')) AS f_click_id,
        q(ts_txt(ts, rnd(seq, 'clicks_tsv'))) AS f_ts,
        q(pid(partner)) AS f_partner_id,
        q(vhex(vh)) AS f_visitor_id,
        CASE WHEN rnd(seq, 'clk_o') >= 0.005
            THEN CASE WHEN pp THEN '"partner_program"' ELSE '"product"' END END AS f_landing,
        CASE WHEN rnd(seq, 'clk_o') >= 0.01 THEN q(CASE WHEN pp
                THEN 'https://example.com/partners/join?ref=' || pid(partner)
                ELSE 'https://example.com/' || prod_path(ifloor(rnd(seq, 'clk_o') * 1000) % 5)
                    || '?ref=' || pid(partner)
                    || CASE WHEN rnd(seq, 'clk_o') > 0.8 THEN '&utm_source=newsletter' ELSE '' END
                END) END AS f_url,
        q(ip_txt(hs(seq, 'clk_x'))) AS f_ip,
        CASE WHEN rnd(seq, 'clk_o') < 0.995
            THEN q(ua(CAST((hs(seq, 'clk_x') >> 40) % {len(USER_AGENTS)} AS INTEGER))) END
            AS f_user_agent"""

# Feeds whose <feed>_ev is narrow: extra SELECT items computing the f_<field> columns.
FIELD_SELECTS = {"clicks": CLICKS_FIELDS}


def sales_ev(p: Params) -> list[str]:
    s0, w, end, nc = p.s0, p.window, p.end_ts, p.customers
    ghosts = max(2, nc // 400)
    charges = f"""
    CREATE TABLE charges AS
    WITH cm AS (
        SELECT c.c AS cust, m.m, c.customer_id, c.currency, c.base, c.usage, c.ts AS cts
        FROM customers c, range(0, 37) m(m) WHERE m.m < c.months
        UNION ALL  -- customers with no known signup
        SELECT {nc} + 1000 + g, m.m, cid({nc} + 1000 + g), 'USD', 49.00::DECIMAL(18, 4), false,
            {s0} + ifloor(rnd(g, 'ghost') * {w})
        FROM range(0, {ghosts}) g(g), range(0, 3) m(m)
    )
    SELECT cust, m, CASE WHEN m = 0 THEN cts + 60 + ifloor(rnd(cust * 64 + m, 'ch_t') * 3000)
            ELSE cts + m * {MONTH} + ifloor(rnd(cust * 64 + m, 'ch_t') * 7200) - 3600 END AS ts,
        customer_id, currency,
        CAST(base + CASE WHEN NOT usage THEN 0
            WHEN currency = 'JPY' THEN round(rnd(cust * 64 + m, 'ch_u') * 5000, 0)
            ELSE round(rnd(cust * 64 + m, 'ch_u') * 50, 4) END AS DECIMAL(18, 4)) AS amount
    FROM cm
    WHERE CASE WHEN m = 0 THEN cts + 60 + ifloor(rnd(cust * 64 + m, 'ch_t') * 3000)
            ELSE cts + m * {MONTH} + ifloor(rnd(cust * 64 + m, 'ch_t') * 7200) - 3600 END < {end}
    """
    # rk: which reversal(s) a charge gets; customers 1-4 are forced to get one of each.
    reversals = f"""
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
    FROM r WHERE ts < {end}
    """
    n_orphans = "greatest(2, (SELECT count(*) FROM charges) // 1000)"
    orphans = f"""
    CREATE TABLE orphans AS
    SELECT c.c AS cust, -1 - o.j AS m, 1 AS r,
        c.ts + ifloor(rnd(o.j, 'or_t') * ({end} - c.ts)) AS ts, c.customer_id, c.currency,
        CASE WHEN o.j % 3 = 2 THEN 'chargeback' ELSE 'refund' END AS type,
        CAST(CASE WHEN c.currency = 'JPY' THEN 500 ELSE 7.5 END AS DECIMAL(18, 4)) AS amount,
        CASE WHEN o.j % 2 = 0 THEN q('sal_9' || lpad(CAST(o.j AS VARCHAR), 7, '0')) END
            AS refers_json
    FROM range(0, {n_orphans}) o(j)
    JOIN customers c ON c.c = 1 + ifloor(rnd(o.j, 'or_c') * {nc})
    """
    ev = f"""
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
    SELECT seq, ts, amount, {_late_cols("sales")},
        q('sal_' || lpad(CAST(seq AS VARCHAR), 8, '0')) AS f_sale_id,
        q(ts_txt(ts, rnd(seq, 'sales_tsv'))) AS f_ts,
        q(customer_id) AS f_customer_id,
        q(type) AS f_type,
        amt_json(amount, rnd(seq, 'sales_amt')) AS f_amount,
        q(currency) AS f_currency,
        refers AS f_refers_to
    FROM x
    """
    return [charges, reversals, orphans, ev]


def partner_status_ev(p: Params) -> list[str]:
    f, end, s0 = p.founders, p.end_ts, p.s0
    forced_s = f"(2, {f} + 2, {f} + 9)"
    raw = f"""
    CREATE TABLE status_src AS
    WITH pp AS (
        SELECT k, greatest(ts, {s0}) AS t0, rnd(k, 's_a') AS ua, rnd(k, 's_b') AS ub,
            rnd(k, 's_c') AS uc, rnd(k, 's_d') AS ud
        FROM partners
    ), s AS (
        SELECT *, t0 + 3600 + ifloor(ub * ({end} - t0) * 0.7) AS st FROM pp
        WHERE (ua < 0.08 AND k <> 4) OR k IN {forced_s}
    )
    SELECT k, st AS ts, 1 AS o, 'suspended' AS status FROM s
    UNION ALL
    SELECT k, st + 86400 * (1 + ifloor(ud * 30)), 2, 'active' FROM s WHERE uc < 0.6 OR k = {f} + 2
    UNION ALL
    SELECT k, st + 86400 * (1 + ifloor(ud * 20)), 3, 'terminated' FROM s
    WHERE NOT (uc < 0.6 OR k = {f} + 2) AND (uc > 0.85 OR k = {f} + 9)
    UNION ALL
    SELECT k, t0 + 3600 + ifloor(ub * ({end} - t0 - 3600)), 4, 'terminated' FROM pp
    WHERE ((ua >= 0.08 AND ua < 0.105) OR k = 4) AND k NOT IN {forced_s}
    UNION ALL  -- redundant confirmations
    SELECT k, t0 + 600 + ifloor(uc * ({end} - t0 - 600)), 5, 'active' FROM pp
    WHERE ua >= 0.105 AND ua < 0.125
    """
    ev = f"""
    CREATE TABLE partner_status_ev AS
    WITH n AS (
        SELECT *, row_number() OVER (ORDER BY ts, k, o) AS seq FROM status_src WHERE ts < {end}
    )
    SELECT seq, ts, {_late_cols("partner_status")},
        q('pst_' || lpad(CAST(seq AS VARCHAR), 6, '0')) AS f_event_id,
        q(ts_txt(ts, rnd(seq, 'partner_status_tsv'))) AS f_ts,
        q(pid(k)) AS f_partner_id,
        q(status) AS f_status
    FROM n
    """
    return [raw, ev]


def fx_rates_ev(p: Params) -> list[str]:
    g0 = p.fx_gap_start
    return [
        f"""
    CREATE TABLE fx_rates_ev AS
    WITH d AS (
        SELECT DATE '{p.start_date}' + CAST(i AS INTEGER) AS d, i FROM range(-10, {p.days}) r(i)
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
          AND NOT (cur = 'GBP' AND i BETWEEN {g0} AND {g0 + 11})
    ), n AS (
        SELECT *, row_number() OVER (ORDER BY d, ci) AS seq,
            CASE WHEN i < 0 THEN DATE '{p.start_date}'
                 WHEN ul < 0.03 THEN least(d + CAST(1 + ifloor(ul / 0.03 * 4) AS INTEGER),
                    DATE '{p.end_date}')
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
    """
    ]


# --------------------------------------------------------------------------------------
# Lines: valid + redelivered + malformed
# --------------------------------------------------------------------------------------

BAD_TS = ["q('2026-13-45T25:61:00Z')", "q('yesterday')", "q('31/10/2026 10:00:00')", "q('')"]
TS_AS_NUMBER = "CAST(ts AS VARCHAR)"
TRUNCATE = "__truncate__"


@dataclass(frozen=True)
class FeedSpec:
    name: str
    fields: tuple[str, ...]  # in line order
    id_field: str | None
    id_expr: str | None  # SQL for the id's JSON text given new seq `nseq`
    # malformation kind -> list of variants; a variant maps field -> SQL (None = drop field),
    # or {TRUNCATE: ...} to cut the rendered line.
    malformations: dict[str, list[dict[str, str | None]]]


def _common(required: list[str], wrong: list[dict[str, str | None]], ts: str = "ts"):
    bad_time = [{ts: b} for b in BAD_TS]
    return {
        "invalid_json": [{TRUNCATE: "half"}, {TRUNCATE: "brace"}],
        "missing_field": [{f: None} for f in required],
        "wrong_type": wrong,
        "bad_timestamp": bad_time,
    }


FEEDS: dict[str, FeedSpec] = {
    "clicks": FeedSpec(
        "clicks",
        ("click_id", "ts", "partner_id", "visitor_id", "landing", "url", "ip", "user_agent"),
        "click_id",
        "q('clk_' || lpad(CAST(nseq AS VARCHAR), 9, '0'))",
        {
            **_common(
                ["click_id", "ts", "partner_id"],
                [{"ts": TS_AS_NUMBER}, {"partner_id": "'12'"}, {"click_id": "'true'"}],
            ),
            "bad_landing": [{"landing": "q('home')"}],
            "invalid_utf8": [{"user_agent": "q('Mozilla/5.0 (Caf@@E9@@ Browser)')"}],
        },
    ),
    "signups": FeedSpec(
        "signups",
        (
            "signup_id",
            "ts",
            "kind",
            "account_id",
            "visitor_id",
            "ref_partner_id",
            "program",
            "email_hash",
        ),
        "signup_id",
        "q('sgn_' || lpad(CAST(nseq AS VARCHAR), 7, '0'))",
        {
            **_common(
                ["signup_id", "ts", "kind", "account_id"],
                [{"ts": TS_AS_NUMBER}, {"account_id": "'123'"}, {"kind": "'false'"}],
            ),
            "bad_kind": [{"kind": "q('vendor')"}],
            "bad_program": [{"kind": "q('partner')", "program": "q('reseller')"}],
        },
    ),
    "sales": FeedSpec(
        "sales",
        ("sale_id", "ts", "customer_id", "type", "amount", "currency", "refers_to"),
        "sale_id",
        "q('sal_' || lpad(CAST(nseq AS VARCHAR), 8, '0'))",
        {
            **_common(
                ["sale_id", "ts", "customer_id", "type", "amount", "currency"],
                [
                    {"amount": "'{\"value\":' || q(amt_num(amount)) || '}'"},
                    {"amount": "'true'"},
                    {"ts": TS_AS_NUMBER},
                    {"customer_id": "'123'"},
                    {"amount": "'[' || amt_num(amount) || ']'"},
                ],
            ),
            "amount_not_positive": [
                {"amount": "'0'"},
                {"amount": "q('0.00')"},
                {"amount": "'-' || amt_num(amount)"},
                {"amount": "q('-' || amt_num(amount))"},
            ],
            "amount_too_precise": [
                {"amount": "'12.34567'"},
                {"amount": "q(CAST(CAST(amount AS DECIMAL(18, 2)) AS VARCHAR) || '001')"},
            ],
            "bad_type": [{"type": "q('gift')"}],
            "bad_currency": [
                {"currency": "q('EURO')"},
                {"currency": "q('US$')"},
                {"currency": "q('E')"},
            ],
            "not_a_number": [{"amount": "q('12,50')"}, {"amount": "q('ten')"}],
        },
    ),
    "partner_status": FeedSpec(
        "partner_status",
        ("event_id", "ts", "partner_id", "status"),
        "event_id",
        "q('pst_' || lpad(CAST(nseq AS VARCHAR), 6, '0'))",
        {
            **_common(
                ["event_id", "ts", "partner_id", "status"],
                [{"ts": TS_AS_NUMBER}, {"partner_id": "'7'"}, {"status": "'1'"}],
            ),
            "bad_status": [{"status": "q('paused')"}],
        },
    ),
    "fx_rates": FeedSpec(
        "fx_rates",
        ("date", "currency", "usd_per_unit"),
        None,
        None,
        {
            **_common(
                ["date", "currency", "usd_per_unit"],
                [
                    {"usd_per_unit": "'true'"},
                    {"usd_per_unit": "'{\"rate\":' || amt_num(rate) || '}'"},
                    {"date": "'20261001'"},
                ],
                ts="date",
            ),
            "bad_currency": [{"currency": "q('EURO')"}, {"currency": "q('usd ')"}],
            "rate_not_positive": [{"usd_per_unit": "'0'"}, {"usd_per_unit": "q('-1.084')"}],
        },
    ),
}
# fx dates are calendar dates: swap in unparseable dates.
FEEDS["fx_rates"].malformations["bad_timestamp"][:] = [
    {"date": "q('2026-02-30')"},
    {"date": "q('tomorrow')"},
    {"date": "q('31.10.2026')"},
]


def _render(fields: tuple[str, ...], exprs: dict[str, str]) -> str:
    parts = ", ".join(f"""'"{f}":' || {exprs.get(f, "f_" + f)}""" for f in fields)
    return f"'{{' || concat_ws(',', {parts}) || '}}'"


def malformed_counts(p: Params, spec: FeedSpec, n_valid: int) -> dict[str, int]:
    """Extra malformed lines per kind: ~rate x valid lines, >= 1, every variant if n is large."""
    return {
        kind: max(
            p.malformed_min,
            round(n_valid * p.malformed_rate),
            min(len(variants), round(n_valid * 0.01)),
        )
        for kind, variants in spec.malformations.items()
    }


def lines(p: Params, spec: FeedSpec, n_valid: int) -> list[str]:
    feed = spec.name
    extra = ", " + FIELD_SELECTS[feed] if feed in FIELD_SELECTS else ""
    # Redelivered copies (same line again, same file or up to 5 log dates later).
    dups = f"""
    CREATE TABLE {feed}_extra AS
    SELECT CASE WHEN rnd(seq, '{feed}_dupw') < 0.5 THEN log_date
                ELSE least(log_date + CAST(1 + ifloor(rnd(seq, '{feed}_dupd') * 5) AS INTEGER),
                    DATE '{p.end_date}') END AS ld,
        CASE WHEN ld = log_date THEN ord + 1 + ifloor(rnd(seq, '{feed}_dupo') * 3600)
             ELSE day_epoch(ld) + ifloor(rnd(seq, '{feed}_dupo') * 86400) END AS ord,
        seq * 4 + 1 AS tb, 'redelivered' AS kind, {_render(spec.fields, {})} AS line
    FROM (SELECT *{extra} FROM {feed}_ev
          WHERE (rnd(seq, '{feed}_dup') < 0.005 OR seq = {n_valid // 2 + 1})
            AND log_date <> DATE '{p.old_date}')
    """
    kinds = list(spec.malformations)
    counts = malformed_counts(p, spec, n_valid)
    rows, offset = [], n_valid + 1
    for ki, kind in enumerate(kinds):
        rows.append(f"({ki}, {counts[kind]}, {offset})")
        offset += counts[kind]
    # Per field: CASE over (kind, variant) overrides.
    exprs: dict[str, str] = {}
    for f in spec.fields:
        whens = []
        for ki, kind in enumerate(kinds):
            variants = spec.malformations[kind]
            for vi, var in enumerate(variants):
                if f in var:
                    val = var[f] if var[f] is not None else "NULL"
                    whens.append(f"WHEN kno = {ki} AND r % {len(variants)} = {vi} THEN {val}")
        default = spec.id_expr if f == spec.id_field else f"f_{f}"
        exprs[f] = f"CASE {' '.join(whens)} ELSE {default} END" if whens else default
    trunc_whens = []
    for ki, kind in enumerate(kinds):
        variants = spec.malformations[kind]
        for vi, var in enumerate(variants):
            if TRUNCATE in var:
                cut = "length(x.line) // 2" if var[TRUNCATE] == "half" else "length(x.line) - 1"
                trunc_whens.append(
                    f"WHEN kno = {ki} AND r % {len(variants)} = {vi} THEN left(x.line, {cut})"
                )
    line_expr = f"CASE {' '.join(trunc_whens)} ELSE x.line END" if trunc_whens else "x.line"
    kind_case = " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(kinds))
    mal = f"""
    INSERT INTO {feed}_extra
    WITH kc AS (SELECT * FROM (VALUES {", ".join(rows)}) v(kno, cnt, off)),
    picks AS (
        SELECT kno, r, 1 + ifloor(rnd(kno * 1000003 + r, '{feed}_mal') * {n_valid}) AS src,
            off + r AS nseq
        FROM kc, range(0, {max(counts.values())}) rr(r) WHERE r < cnt
    ), x AS (
        SELECT kno, r, nseq, log_date, {_render(spec.fields, exprs)} AS line
        FROM (SELECT picks.kno, picks.r, picks.nseq, e.*{extra}
              FROM picks JOIN {feed}_ev e ON e.seq = picks.src)
    )
    SELECT log_date, day_epoch(log_date) + ifloor(rnd(nseq, '{feed}_malo') * 86400),
        nseq * 4 + 2, CASE kno {kind_case} END, {line_expr}
    FROM x
    """
    return [dups, mal]


def chunk_query(spec: FeedSpec) -> str:
    """Per log date in [?, ?]: line count and the file body (lines in (ord, tb) order)."""
    feed = spec.name
    extra = ", " + FIELD_SELECTS[feed] if feed in FIELD_SELECTS else ""
    return f"""
    SELECT log_date, count(*), string_agg(line, chr(10) ORDER BY ord, tb)
    FROM (
        SELECT log_date, ord, seq * 4 AS tb, {_render(spec.fields, {})} AS line
        FROM (SELECT *{extra} FROM {feed}_ev WHERE log_date BETWEEN $1 AND $2)
        UNION ALL
        SELECT ld, ord, tb, line FROM {feed}_extra WHERE ld BETWEEN $1 AND $2
    )
    GROUP BY log_date ORDER BY log_date
    """


FEED_BUILDERS = {
    "signups": signups_ev,
    "clicks": clicks_ev,
    "sales": sales_ev,
    "partner_status": partner_status_ev,
    "fx_rates": fx_rates_ev,
}
