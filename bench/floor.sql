-- The floor: marts.fct_commissions computed straight from the raw JSONL logs by one DuckDB
-- script: no orchestration, no dbt, no layers, no audit tables. The benchmark reports the
-- pipeline's time as a multiple of this script's, and bench/floor.py checks that the two
-- agree row for row.
--
-- Inputs (DuckDB variables, set by the runner before this script):
--   raw_dir    the `raw` directory: <raw_dir>/<feed>/<YYYY-MM-DD>.jsonl[.gz] (SPEC §2);
--              every feed must have at least one file
--   rates_csv  dbt/seeds/commission_rates.csv (program, tier, rate, effective_from)
-- Optional overrides, the dbt vars (defaults as in dbt/dbt_project.yml):
--   attribution_window_days (120), holding_days (30), fx_max_age_days (7)
-- Output: table floor_commissions, with the columns and types of marts.fct_commissions.
-- The session time zone must be UTC (floor.py sets it).
--
-- The rules are the dbt project's (SPEC §2, §3); the model or macro each one comes from is
-- named in its comment.
--
-- Reading. Each feed is read by read_json, with only the keys the rules look at (clicks
-- twice, see click_keys). Each key comes as its JSON text (type JSON), so a string ('"..."')
-- is told apart from a number, a boolean, an object or an array, as the rejection rules
-- require. JSON null and an absent key both come as SQL NULL; the rules treat them alike. A
-- line that is not a JSON object (truncated, not UTF-8, an array, two objects, ...) comes as
-- all NULL, so it fails its first required field: rejected, as in the pipeline. Blank lines
-- give no row. `ordinality` numbers the rows in file order, which orders the lines within a
-- file (the dedup tie-break; each feed has one file per log date).
-- Known differences from the pipeline's stricter reader, none of which the generator
-- produces: DuckDB's reader accepts trailing commas and NaN/Infinity in a line (the pipeline
-- rejects the line: macro duckdb__json_is_valid), and it reads a JSON number (not a numeric
-- string) as a double, so an amount or rate written as a JSON number with more than 15
-- significant digits can differ (the pipeline takes the number's literal text).

SET VARIABLE attribution_window_days = coalesce(getvariable('attribution_window_days'), 120);
SET VARIABLE holding_days = coalesce(getvariable('holding_days'), 30);
SET VARIABLE fx_max_age_days = coalesce(getvariable('fx_max_age_days'), 7);

-- ---- Value parsing (macros/validation/field_rules.sql, parse_values.sql) -----------------------------------

-- The text of a JSON string value, unescaped; NULL for any other JSON type and for NULL.
CREATE OR REPLACE TEMP MACRO json_str(j) AS
    CASE
        WHEN left(j::VARCHAR, 1) = '"' THEN
            CASE
                WHEN contains(j::VARCHAR, '\') THEN json_extract_string(j, '$')
                ELSE (j::VARCHAR)[2:-2]
            END
    END;

-- A required string must be a string and not blank.
CREATE OR REPLACE TEMP MACRO required_string_ok(j) AS coalesce(trim(json_str(j)) <> '', false);

-- An optional string may be absent or null; if present it must be a string. A blank string
-- is read as absent.
CREATE OR REPLACE TEMP MACRO optional_string_ok(j) AS j IS NULL OR left(j::VARCHAR, 1) = '"';
CREATE OR REPLACE TEMP MACRO string_value(j) AS
    CASE WHEN trim(json_str(j)) <> '' THEN json_str(j) END;

-- A UTC offset ('+02', '-0530', '+05:30') in minutes east of UTC; NULL when the hours exceed
-- 23 or the minutes 59.
CREATE OR REPLACE TEMP MACRO offset_minutes(off) AS
    CASE
        WHEN CAST(substr(off, 2, 2) AS INTEGER) <= 23
            AND coalesce(CAST(nullif(regexp_extract(off, '^[+-][0-9]{2}:?([0-9]{2})$', 1), '') AS INTEGER), 0) <= 59
            THEN (CASE WHEN left(off, 1) = '-' THEN -1 ELSE 1 END)
                * (CAST(substr(off, 2, 2) AS INTEGER) * 60
                   + coalesce(CAST(nullif(regexp_extract(off, '^[+-][0-9]{2}:?([0-9]{2})$', 1), '') AS INTEGER), 0))
    END;

-- ISO-8601 timestamp text, YYYY-MM-DD(T|t|space)HH:MM[:SS[.fraction up to 9 digits]]
-- [Z|z|±HH|±HHMM|±HH:MM], as a naive UTC TIMESTAMP (no offset means UTC; sub-microsecond
-- digits are dropped by the cast); NULL for any other text. The usual form
-- 'YYYY-MM-DDTHH:MM:SSZ' takes a shortcut with the same result.
CREATE OR REPLACE TEMP MACRO utc_timestamp(t) AS
    CASE
        WHEN regexp_full_match(t, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z')
            THEN try_cast(t[1:10] || ' ' || t[12:19] AS TIMESTAMP)
        WHEN regexp_full_match(t, '[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?')
            THEN try_cast(substr(t, 1, 10) || ' ' || regexp_extract(t, '^.{11}([0-9:.]+)', 1) AS TIMESTAMP)
                - to_minutes(CASE
                    WHEN regexp_extract(t, '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$', 1) IN ('', 'Z', 'z') THEN 0
                    ELSE offset_minutes(regexp_extract(t, '([+-][0-9]{2}(:?[0-9]{2})?)$', 1))
                END)
    END;

-- A calendar date 'YYYY-MM-DD' (NULL for any other form or an impossible date).
CREATE OR REPLACE TEMP MACRO iso_date(t) AS
    CASE WHEN regexp_full_match(t, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_cast(t AS DATE) END;

-- The text of a decimal field: a JSON number's text or a JSON string's text; NULL otherwise.
CREATE OR REPLACE TEMP MACRO json_number_or_string(j) AS
    CASE
        WHEN left(j::VARCHAR, 1) = '"' THEN json_str(j)
        WHEN regexp_matches(left(j::VARCHAR, 1), '^[-0-9]$') THEN j::VARCHAR
    END;

-- Decimal text (optional sign, digits with optional fraction or a bare fraction, optional
-- exponent) rewritten in plain positional form, to be cast to DECIMAL(int_digits + scale,
-- scale) exactly, never through a double; NULL when the text is not decimal text or needs
-- more than `scale` decimal places (never rounded). Plain positional text is the usual
-- case; exponents are expanded by the digit arithmetic of macro default__parse_decimal.
CREATE OR REPLACE TEMP MACRO decimal_digits(t) AS
    regexp_extract(t, '^[+-]?([0-9]*)', 1) || regexp_extract(t, '^[+-]?[0-9]*[.]([0-9]*)', 1);
CREATE OR REPLACE TEMP MACRO decimal_significand(t) AS
    regexp_extract(decimal_digits(t), '^0*([0-9]*[1-9])', 1);
CREATE OR REPLACE TEMP MACRO decimal_exponent(t) AS
    (CASE WHEN regexp_matches(t, '[eE]') THEN try_cast(regexp_extract(t, '[eE]([+-]?[0-9]+)$', 1) AS BIGINT) ELSE 0 END)
    - length(regexp_extract(t, '^[+-]?[0-9]*[.]([0-9]*)', 1))
    + length(regexp_extract(decimal_digits(t), '(0*)$', 1));
CREATE OR REPLACE TEMP MACRO decimal_text(t, scale, int_digits) AS
    CASE
        WHEN regexp_matches(t, '^[+-]?[0-9]+([.][0-9]*)?$') THEN
            CASE WHEN length(rtrim(regexp_extract(t, '[.]([0-9]*)$', 1), '0')) <= scale THEN t END
        WHEN NOT regexp_matches(t, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$') THEN NULL
        WHEN decimal_significand(t) = '' THEN '0'
        WHEN decimal_exponent(t) IS NULL THEN NULL
        WHEN -decimal_exponent(t) > scale THEN NULL
        WHEN length(decimal_significand(t)) + decimal_exponent(t) > int_digits THEN NULL
        ELSE (CASE WHEN left(t, 1) = '-' THEN '-' ELSE '' END) || (CASE
            WHEN decimal_exponent(t) >= 0
                THEN decimal_significand(t) || repeat('0', CAST(decimal_exponent(t) AS INTEGER))
            WHEN length(decimal_significand(t)) + decimal_exponent(t) > 0
                THEN substr(decimal_significand(t), 1, CAST(length(decimal_significand(t)) + decimal_exponent(t) AS INTEGER))
                    || '.' || substr(decimal_significand(t), CAST(length(decimal_significand(t)) + decimal_exponent(t) + 1 AS INTEGER))
            ELSE '0.' || repeat('0', CAST(-decimal_exponent(t) - length(decimal_significand(t)) AS INTEGER)) || decimal_significand(t)
        END)
    END;

-- The log date of a raw file, from its name YYYY-MM-DD.jsonl[.gz].
CREATE OR REPLACE TEMP MACRO log_date_of(filename) AS CAST(left(parse_filename(filename), 10) AS DATE);

-- ---- Money (macros/business_rules/money.sql) --------------------------------------------------------
-- round(x, 2) on DECIMAL is half away from zero; every operand stays DECIMAL.

-- The rate keeps 20 of its up to 28 decimals here (DECIMAL(18, 4) x DECIMAL(38, 20) is an exact
-- DECIMAL(38, 24) below 1e14): the pipeline's exact product differs only for a rate with more
-- than 20 decimals or a USD value of 1e13 or more (held there, NULL here), which the generated
-- profiles never have.
CREATE OR REPLACE TEMP MACRO to_usd(amount, usd_per_unit) AS
    CASE WHEN CAST(amount AS DOUBLE) * CAST(usd_per_unit AS DOUBLE) < 1e13 THEN
        CAST(round(CAST(amount AS DECIMAL(18, 4)) * CAST(usd_per_unit AS DECIMAL(38, 20)), 2) AS DECIMAL(18, 2))
    END;
CREATE OR REPLACE TEMP MACRO commission_amount(amount_usd, rate) AS
    CAST(round(CAST(amount_usd AS DECIMAL(18, 2)) * CAST(rate AS DECIMAL(9, 6)), 2) AS DECIMAL(18, 2));

-- ---- Attribution helpers (macros/business_rules/*.sql) -------------------------------------------------

-- Self-referral: the candidate is the signing account itself, or has the signer's email_hash
-- (a NULL email_hash on either side never matches).
CREATE OR REPLACE TEMP MACRO is_self_referral(candidate_id, candidate_email, account_id, signer_email) AS
    candidate_id = account_id
    OR (signer_email IS NOT NULL AND candidate_email IS NOT NULL AND candidate_email = signer_email);

-- A referrer must have signed up at or before the signup it refers; for a partner signup
-- (recruitment) a tie on the instant goes to the lower signup_id, so the tree has no cycle.
CREATE OR REPLACE TEMP MACRO referrer_precedes(ref_at, ref_signup_id, signup_at, signup_id, kind) AS
    ref_at < signup_at OR (ref_at = signup_at AND (kind <> 'partner' OR ref_signup_id < signup_id));


CREATE OR REPLACE TABLE floor_commissions AS
WITH

-- ---- Staging: parse, reject, dedup (staging/base_*.sql, stg_*.sql) --------------------------
-- A line is kept only when it passes every rule of its feed (SPEC §2 field table; any broken
-- rule rejects the whole line). Delivery is at-least-once: of the valid lines with the same
-- id, the FIRST delivery wins (earliest log date, then line within the file); rejected lines
-- take no part in that choice.

sales_lines AS (
    SELECT
        json_str(sale_id) AS sale_id,
        utc_timestamp(json_str(ts)) AS sold_at,
        json_str(customer_id) AS customer_id,
        json_str(type) AS sale_type,
        try_cast(decimal_text(json_number_or_string(amount), 4, 14) AS DECIMAL(18, 4)) AS amount,
        json_str(currency) AS currency_text,
        refers_to,
        log_date_of(filename) AS log_date,
        ordinality AS line_order
    FROM read_json(
        getvariable('raw_dir') || '/sales/????-??-??.jsonl*',
        format = 'newline_delimited', ignore_errors = true, filename = true,
        columns = {sale_id: 'JSON', ts: 'JSON', customer_id: 'JSON', type: 'JSON',
                   amount: 'JSON', currency: 'JSON', refers_to: 'JSON'}
    ) WITH ORDINALITY
),

stg_sales AS (
    -- sale_id, ts, customer_id, type, amount (> 0, at most 4 decimals, fits DECIMAL(18, 4)),
    -- currency (3 letters, upper-cased) required; refers_to optional.
    SELECT DISTINCT ON (sale_id)
        sale_id,
        sold_at,
        customer_id,
        sale_type,
        amount,
        upper(currency_text) AS currency,
        string_value(refers_to) AS refers_to,
        log_date
    FROM sales_lines
    WHERE
        trim(sale_id) <> ''
        AND sold_at IS NOT NULL
        AND trim(customer_id) <> ''
        AND sale_type IN ('charge', 'refund', 'chargeback')
        AND amount > 0
        AND regexp_full_match(currency_text, '[A-Za-z]{3}')
        AND optional_string_ok(refers_to)
    ORDER BY sale_id, log_date, line_order
),

signups_lines AS (
    SELECT
        json_str(signup_id) AS signup_id,
        utc_timestamp(json_str(ts)) AS signed_up_at,
        json_str(kind) AS signup_kind,
        account_id,
        visitor_id,
        ref_partner_id,
        program,
        email_hash,
        log_date_of(filename) AS log_date,
        ordinality AS line_order
    FROM read_json(
        getvariable('raw_dir') || '/signups/????-??-??.jsonl*',
        format = 'newline_delimited', ignore_errors = true, filename = true,
        columns = {signup_id: 'JSON', ts: 'JSON', kind: 'JSON', account_id: 'JSON',
                   visitor_id: 'JSON', ref_partner_id: 'JSON', program: 'JSON',
                   email_hash: 'JSON'}
    ) WITH ORDINALITY
),

stg_signups AS (
    -- signup_id, ts, kind (customer | partner), account_id required; visitor_id,
    -- ref_partner_id, email_hash optional strings; program optional (affiliate | solution),
    -- a partner's defaults to affiliate.
    SELECT DISTINCT ON (signup_id)
        signup_id,
        signed_up_at,
        signup_kind,
        json_str(account_id) AS account_id,
        string_value(visitor_id) AS visitor_id,
        string_value(ref_partner_id) AS ref_partner_id,
        CASE WHEN signup_kind = 'partner' THEN coalesce(json_str(program), 'affiliate') END AS program,
        string_value(email_hash) AS email_hash,
        log_date
    FROM signups_lines
    WHERE
        trim(signup_id) <> ''
        AND signed_up_at IS NOT NULL
        AND signup_kind IN ('customer', 'partner')
        AND required_string_ok(account_id)
        AND optional_string_ok(visitor_id)
        AND optional_string_ok(ref_partner_id)
        AND (program IS NULL OR json_str(program) IN ('affiliate', 'solution'))
        AND optional_string_ok(email_hash)
    ORDER BY signup_id, log_date, line_order
),

status_lines AS (
    SELECT
        json_str(event_id) AS event_id,
        utc_timestamp(json_str(ts)) AS status_at,
        json_str(partner_id) AS partner_id,
        json_str(status) AS status,
        log_date_of(filename) AS log_date,
        ordinality AS line_order
    FROM read_json(
        getvariable('raw_dir') || '/partner_status/????-??-??.jsonl*',
        format = 'newline_delimited', ignore_errors = true, filename = true,
        columns = {event_id: 'JSON', ts: 'JSON', partner_id: 'JSON', status: 'JSON'}
    ) WITH ORDINALITY
),

stg_partner_status AS (
    -- event_id, ts, partner_id, status (active | suspended | terminated) required.
    SELECT DISTINCT ON (event_id) event_id, status_at, partner_id, status, log_date
    FROM status_lines
    WHERE
        trim(event_id) <> ''
        AND status_at IS NOT NULL
        AND trim(partner_id) <> ''
        AND status IN ('active', 'suspended', 'terminated')
    ORDER BY event_id, log_date, line_order
),

fx_lines AS (
    SELECT
        iso_date(json_str(date)) AS rate_date,
        json_str(currency) AS currency_text,
        try_cast(decimal_text(json_number_or_string(usd_per_unit), 28, 10) AS DECIMAL(38, 28))
            AS usd_per_unit,
        log_date_of(filename) AS log_date,
        ordinality AS line_order
    FROM read_json(
        getvariable('raw_dir') || '/fx_rates/????-??-??.jsonl*',
        format = 'newline_delimited', ignore_errors = true, filename = true,
        columns = {date: 'JSON', currency: 'JSON', usd_per_unit: 'JSON'}
    ) WITH ORDINALITY
),

stg_fx_rates AS (
    -- date (YYYY-MM-DD), currency, usd_per_unit (> 0, below 1e10, at most 28 decimals); one
    -- rate per (date, currency): the first delivery wins.
    SELECT DISTINCT ON (rate_date, upper(currency_text))
        rate_date,
        upper(currency_text) AS currency,
        usd_per_unit,
        log_date
    FROM fx_lines
    WHERE
        rate_date IS NOT NULL
        AND regexp_full_match(currency_text, '[A-Za-z]{3}')
        AND usd_per_unit > 0
    ORDER BY rate_date, upper(currency_text), log_date, line_order
),

-- Clicks are by far the largest feed (~95 % of the bytes), and only a click whose visitor_id
-- is some signup's can ever attribute anything (~1.5 % of the lines). So the clicks are read
-- twice: first only each line's click_id and visitor_id (as text, whatever their JSON type:
-- a superset) and log date, to find the click_ids that matter; then every line of those
-- click_ids (any visitor: a redelivery may differ from the first delivery) is checked and
-- deduplicated like the other feeds. A click_id matters when one of its lines names a
-- signup's visitor_id, or when it has a line after the latest log date of the other four
-- feeds (it might be what moves "now", see as_of below). Twice the reading costs less than
-- checking and deduplicating every click (about half the CPU time of one read that does).

click_keys AS (
    SELECT click_id, visitor_id, log_date_of(filename) AS log_date
    FROM read_json(
        getvariable('raw_dir') || '/clicks/????-??-??.jsonl*',
        format = 'newline_delimited', ignore_errors = true, filename = true,
        columns = {click_id: 'VARCHAR', visitor_id: 'VARCHAR'}
    )
),

as_of_without_clicks AS (
    SELECT coalesce(max(log_date), DATE '0001-01-01') AS log_date
    FROM (
        SELECT max(log_date) AS log_date FROM stg_signups
        UNION ALL SELECT max(log_date) FROM stg_sales
        UNION ALL SELECT max(log_date) FROM stg_partner_status
        UNION ALL SELECT max(log_date) FROM stg_fx_rates
    )
),

relevant_click_ids AS (
    SELECT DISTINCT click_id
    FROM click_keys
    WHERE
        visitor_id IN (SELECT visitor_id FROM stg_signups)
        OR log_date > (SELECT log_date FROM as_of_without_clicks)
),

click_lines AS MATERIALIZED (
    SELECT
        json_str(click_id) AS click_id,
        utc_timestamp(json_str(ts)) AS clicked_at,
        json_str(partner_id) AS partner_id,
        visitor_id,
        landing,
        url,
        ip,
        user_agent,
        log_date_of(filename) AS log_date,
        ordinality AS line_order
    FROM read_json(
        getvariable('raw_dir') || '/clicks/????-??-??.jsonl*',
        format = 'newline_delimited', ignore_errors = true, filename = true,
        columns = {click_id: 'JSON', ts: 'JSON', partner_id: 'JSON', visitor_id: 'JSON',
                   landing: 'JSON', url: 'JSON', ip: 'JSON', user_agent: 'JSON'}
    ) WITH ORDINALITY
    WHERE json_str(click_id) IN (SELECT click_id FROM relevant_click_ids)
),

stg_clicks AS (
    -- click_id, ts, partner_id required; visitor_id, url, ip, user_agent optional strings;
    -- landing optional (product | partner_program). (Only the click_ids that matter.)
    SELECT DISTINCT ON (click_id)
        click_id,
        clicked_at,
        partner_id,
        string_value(visitor_id) AS visitor_id,
        log_date
    FROM click_lines
    WHERE
        trim(click_id) <> ''
        AND clicked_at IS NOT NULL
        AND trim(partner_id) <> ''
        AND optional_string_ok(visitor_id)
        AND (landing IS NULL OR json_str(landing) IN ('product', 'partner_program'))
        AND optional_string_ok(url)
        AND optional_string_ok(ip)
        AND optional_string_ok(user_agent)
    ORDER BY click_id, log_date, line_order
),

-- ---- Holding "now" (intermediate/int_as_of_date.sql) -----------------------------------------
-- The latest log date with a delivered file of any feed (the file names), whatever its lines held.

as_of AS (
    -- The latest log date with a delivered file of any feed, whatever its lines held.
    SELECT max(log_date_of(file)) AS as_of_date
    FROM glob(getvariable('raw_dir') || '/*/????-??-??.jsonl*')
),

-- ---- Partners and attribution (int_first_signups, int_partners, int_attribution_candidates,
-- int_signup_attribution) ------------------------------------------------------------------

first_signups AS (
    -- An account that signs up more than once counts from its earliest signup (ties: lower
    -- signup_id); customers and partners separately.
    SELECT DISTINCT ON (signup_kind, account_id) *
    FROM stg_signups
    ORDER BY signup_kind, account_id, signed_up_at, signup_id
),

partners AS (
    -- A partner exists from its (earliest) partner signup; its program is fixed by it.
    SELECT account_id AS partner_id, signup_id, signed_up_at, program, email_hash
    FROM first_signups
    WHERE signup_kind = 'partner'
),

parameter_referrers AS (
    -- Rule 1 `parameter`: ref_partner_id names a partner who signed up at or before the
    -- signup, unless that is a self-referral (then rule 2 is tried).
    SELECT s.signup_id, r.partner_id
    FROM first_signups AS s
    JOIN partners AS r ON s.ref_partner_id = r.partner_id
    WHERE
        referrer_precedes(r.signed_up_at, r.signup_id, s.signed_up_at, s.signup_id, s.signup_kind)
        AND NOT is_self_referral(r.partner_id, r.email_hash, s.account_id, s.email_hash)
),

cookie_referrers AS (
    -- Rule 2 `cookie`: the latest click (ties: higher click_id) of the same visitor_id, at or
    -- before the signup and less than attribution_window_days before it, whose partner
    -- existed at the click (and precedes the signup); when that click is a self-referral the
    -- signup stays unattributed (older clicks are not tried).
    SELECT signup_id, partner_id
    FROM (
    SELECT DISTINCT ON (s.signup_id) s.signup_id, r.partner_id,
        is_self_referral(r.partner_id, r.email_hash, s.account_id, s.email_hash) AS is_self
    FROM first_signups AS s
    JOIN stg_clicks AS c
        ON c.visitor_id = s.visitor_id
        AND c.clicked_at <= s.signed_up_at
        AND c.clicked_at > s.signed_up_at - to_days(CAST(getvariable('attribution_window_days') AS INTEGER))
    JOIN partners AS r
        ON c.partner_id = r.partner_id
        AND c.clicked_at >= r.signed_up_at
    WHERE
        referrer_precedes(r.signed_up_at, r.signup_id, s.signed_up_at, s.signup_id, s.signup_kind)
    ORDER BY s.signup_id, c.clicked_at DESC, c.click_id DESC
    )
    WHERE NOT is_self
),

referrers AS (
    -- The winner per signup: parameter before cookie; none → unattributed.
    SELECT
        s.signup_kind,
        s.account_id,
        coalesce(p.partner_id, c.partner_id) AS referrer_partner_id
    FROM first_signups AS s
    LEFT JOIN parameter_referrers AS p ON s.signup_id = p.signup_id
    LEFT JOIN cookie_referrers AS c ON s.signup_id = c.signup_id
    WHERE coalesce(p.partner_id, c.partner_id) IS NOT NULL
),

customer_partners AS (
    -- int_customers: the customer's referring partner (tier 1).
    SELECT account_id AS customer_id, referrer_partner_id AS partner_id
    FROM referrers
    WHERE signup_kind = 'customer'
),

recruiters AS (
    -- int_partner_recruiters: a partner's referrer is its recruiter (tier 2); never changes.
    SELECT account_id AS partner_id, referrer_partner_id AS recruiter_partner_id
    FROM referrers
    WHERE signup_kind = 'partner'
),

-- ---- Status (int_partner_status_intervals) ---------------------------------------------------
-- A partner's status at an instant: the latest partner_status event at or before it (events
-- at the same instant: the higher event_id wins); with none, 'active'. Before its signup a
-- partner does not exist (not active).

status_events AS (
    -- One event per partner and instant, so that the as-of lookup below has no ties.
    SELECT partner_id, status_at, arg_max(status, event_id) AS status
    FROM stg_partner_status
    GROUP BY partner_id, status_at
),

-- ---- Money (int_sale_fx_rates, int_sales_usd) ------------------------------------------------

sale_fx AS (
    -- The FX rate of a sale: the latest rate of its currency dated on or before the sale's
    -- UTC date and at most fx_max_age_days older; USD is always 1 (a USD row is ignored).
    SELECT
        s.sale_id,
        CAST(CASE
            WHEN s.currency = 'USD' THEN 1
            WHEN fx.rate_date >= CAST(s.sold_at AS DATE) - CAST(getvariable('fx_max_age_days') AS INTEGER)
                THEN fx.usd_per_unit
        END AS DECIMAL(28, 10)) AS fx_rate
    FROM stg_sales AS s
    ASOF LEFT JOIN stg_fx_rates AS fx
        ON s.currency = fx.currency
        AND CAST(s.sold_at AS DATE) >= fx.rate_date
),

charges AS (
    -- A charge's USD value: round(amount × its own FX rate, 2); without a rate, nothing.
    SELECT s.*, to_usd(s.amount, fx.fx_rate) AS amount_usd
    FROM stg_sales AS s
    JOIN sale_fx AS fx USING (sale_id)
    WHERE s.sale_type = 'charge' AND fx.fx_rate IS NOT NULL
),

reversals AS (
    -- A refund / chargeback is linked to the charge its refers_to names (a charge in the same
    -- currency; otherwise it is an orphan and earns nothing). Its USD value is
    -- −round(amount × the CHARGE's FX rate, 2).
    SELECT r.*, c.sale_id AS charge_sale_id, -to_usd(r.amount, fx.fx_rate) AS amount_usd
    FROM stg_sales AS r
    JOIN stg_sales AS c
        ON r.refers_to = c.sale_id
        AND c.sale_type = 'charge'
        AND c.currency = r.currency
    JOIN sale_fx AS fx ON fx.sale_id = c.sale_id
    WHERE r.sale_type IN ('refund', 'chargeback') AND fx.fx_rate IS NOT NULL
),

-- ---- Commission lines (int_charge_commission_lines, int_reversal_commission_lines) -----------

beneficiaries AS (
    -- Tier 1: the customer's referring partner. Tier 2: that partner's recruiter. Nobody above.
    SELECT ch.*, 1 AS tier, cp.partner_id AS source_partner_id, cp.partner_id
    FROM charges AS ch
    JOIN customer_partners AS cp USING (customer_id)
    UNION ALL
    SELECT ch.*, 2 AS tier, cp.partner_id AS source_partner_id, rc.recruiter_partner_id
    FROM charges AS ch
    JOIN customer_partners AS cp USING (customer_id)
    JOIN recruiters AS rc ON rc.partner_id = cp.partner_id
),

beneficiary_status AS (
    -- Each beneficiary's program, signup instant and status at the sale instant (the latest
    -- event at or before it; with none, 'active').
    SELECT b.*, p.signed_up_at AS partner_signed_up_at, p.program, coalesce(e.status, 'active') AS status_at_sale
    FROM beneficiaries AS b
    JOIN partners AS p ON p.partner_id = b.partner_id
    ASOF LEFT JOIN status_events AS e
        ON e.partner_id = b.partner_id
        AND b.sold_at >= e.status_at
),

rates AS (
    -- Seed commission_rates: the rate of a program and tier applies from effective_from
    -- (00:00 UTC) until the next effective_from.
    SELECT
        program,
        tier,
        rate,
        CAST(effective_from AS TIMESTAMP) AS valid_from,
        CAST(lead(effective_from) OVER (PARTITION BY program, tier ORDER BY effective_from) AS TIMESTAMP) AS valid_to
    FROM read_csv(
        getvariable('rates_csv'), header = true, auto_detect = false,
        columns = {program: 'VARCHAR', tier: 'INTEGER', rate: 'DECIMAL(9, 6)', effective_from: 'DATE'}
    )
),

charge_lines AS (
    -- Each beneficiary earns only if IT is active at the sale instant (tiers judged apart),
    -- at the rate of its own program for the line's tier in force at the sale instant;
    -- commission = round(amount_usd × rate, 2).
    SELECT
        b.sale_id, b.sale_type, b.sold_at, b.customer_id, b.partner_id, b.tier,
        b.source_partner_id, b.amount_usd, r.rate,
        commission_amount(b.amount_usd, r.rate) AS commission_usd,
        b.sale_id AS charge_sale_id
    FROM beneficiary_status AS b
    JOIN rates AS r
        ON r.program = b.program
        AND r.tier = b.tier
        AND b.sold_at >= r.valid_from
        AND (r.valid_to IS NULL OR b.sold_at < r.valid_to)
    WHERE b.sold_at >= b.partner_signed_up_at AND b.status_at_sale = 'active'
),

reversal_lines AS (
    -- A reversal claws back exactly what its charge paid: the charge's lines (beneficiaries,
    -- tiers, rates), on the reversal's own negative amount_usd; no status check.
    SELECT
        r.sale_id, r.sale_type, r.sold_at, r.customer_id, cl.partner_id, cl.tier,
        cl.source_partner_id, r.amount_usd, cl.rate,
        commission_amount(r.amount_usd, cl.rate) AS commission_usd,
        r.charge_sale_id
    FROM reversals AS r
    JOIN charge_lines AS cl ON cl.sale_id = r.charge_sale_id
),

-- ---- Holding and the mart (int_commission_lines, fct_commissions) ---------------------------

lines AS (
    SELECT * FROM charge_lines
    UNION ALL
    SELECT * FROM reversal_lines
)

-- A line becomes payable holding_days after the sale's UTC date, once that day is on or
-- before "now" (as_of); before that it is pending.
SELECT
    lines.sale_id,
    lines.sale_type,
    lines.sold_at,
    lines.customer_id,
    lines.partner_id,
    CAST(lines.tier AS INTEGER) AS tier,
    lines.source_partner_id,
    CAST(lines.amount_usd AS DECIMAL(18, 2)) AS amount_usd,
    CAST(lines.rate AS DECIMAL(9, 6)) AS rate,
    CAST(lines.commission_usd AS DECIMAL(18, 2)) AS commission_usd,
    CAST(CAST(lines.sold_at AS DATE) + to_days(CAST(getvariable('holding_days') AS INTEGER)) AS DATE) AS payable_on,
    CASE
        WHEN CAST(CAST(lines.sold_at AS DATE) + to_days(CAST(getvariable('holding_days') AS INTEGER)) AS DATE) <= as_of.as_of_date
            THEN 'payable'
        ELSE 'pending'
    END AS status,
    lines.charge_sale_id
FROM lines
CROSS JOIN as_of;
