{#- A model's rules, one test (one Dagster asset check) per model: fails for every row where a
    `not_null` column is NULL, one of `expressions` is not true (false or NULL, each checked as
    expression_is_true checks its one expression) or whose value of a `unique_keys` key occurs
    on another row too (NULLs compare equal, as in GROUP BY). Each failing row says what it
    breaks: `null_columns` names its NULL columns (e.g. 'partner_id, tier'),
    `failed_expression` the 1-based positions of the expressions it breaks (e.g. '2, 4'),
    `duplicate_key` those of the keys it shares with another row (and
    `duplicate_key_<n>_rows` on how many rows); '' where none. One query over the model
    instead of one test per column, per rule and per key: each dbt test costs its run ≈ 45 ms
    of dbt's own work (serialized: dbt's threads share one Python interpreter) and Dagster
    three events, whatever it checks.
    Usage (model level):
      data_tests:
        - row_rules:
            name: row_rules_<model>
            arguments:
              unique_keys: [[a], [b, c]]
              not_null: [a, b, c]
              expressions: ["a = b + c", "status in ('x', 'y')"]
    Give at least one of the three. `not_null` items and key columns are plain column names
    (checked: they are pasted into the SQL); `expressions` are SQL boolean expressions,
    pasted as written. Accepted values are rules here too: `tier in (1, 2)` for a column in
    `not_null`, else `status is null or status in ('a', 'b')` (dbt's accepted_values let NULL
    pass; a rule here fails it). Optional `where` / `severity` config applies to every rule,
    as for any data test: give rules that need another config a test of their own.
    `reprocessed_log_dates_only: true` (a model incremental by log date, base_<feed>, whose
    keys include log_date): on a run that reprocesses some log dates, only their rows are
    checked (macros/incremental/tests_on_new_rows.sql says why that is enough). The key tests
    of the deduplicated stg_<feed> models (unique_delivered_keys: the night's events) stay
    tests of their own. -#}
{% test row_rules(model, not_null=none, expressions=none, unique_keys=none, reprocessed_log_dates_only=false) %}

{%- set not_null = not_null or [] -%}
{%- set expressions = expressions or [] -%}
{%- set unique_keys = unique_keys or [] -%}
{%- set dates = partner_commissions.log_dates_under_test() if reprocessed_log_dates_only else none -%}
{%- for key in unique_keys if reprocessed_log_dates_only and 'log_date' not in key -%}
    {{ exceptions.raise_compiler_error(
        "row_rules: reprocessed_log_dates_only needs log_date in every key, got " ~ (key | tojson)) }}
{%- endfor -%}
{%- if not_null | length == 0 and expressions | length == 0 and unique_keys | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "row_rules: give `not_null` (column names), `expressions` (SQL rules) or"
        " `unique_keys` (lists of column names)") }}
{%- endif -%}
{%- if not_null | length > 0 -%}
    {%- do partner_commissions.require_non_empty_list(
        'row_rules', 'not_null', not_null, 'column names') -%}
{%- endif -%}
{%- if expressions | length > 0 -%}
    {%- do partner_commissions.require_non_empty_list(
        'row_rules', 'expressions', expressions, 'SQL expressions') -%}
{%- endif -%}
{%- if unique_keys | length > 0 -%}
    {%- do partner_commissions.require_non_empty_list(
        'row_rules', 'unique_keys', unique_keys, 'keys (lists of column names)') -%}
{%- endif -%}
{%- for key in unique_keys -%}
    {%- do partner_commissions.require_non_empty_list(
        'row_rules', 'unique_keys item ' ~ loop.index, key, 'column names') -%}
{%- endfor -%}
{%- for column in not_null + (unique_keys | sum(start=[])) -%}
    {%- if column is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column) -%}
        {{ exceptions.raise_compiler_error(
            "row_rules: not_null items and key columns must be plain column names, got "
            ~ (column | tojson)) }}
    {%- endif -%}
{%- endfor -%}
{%- if not_null | map('lower') | unique | list | length != not_null | length -%}
    {{ exceptions.raise_compiler_error(
        "row_rules: a column is listed twice in not_null " ~ (not_null | tojson)) }}
{%- endif -%}
{%- for expression in expressions -%}
    {%- if expression is not string or expression | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "row_rules: each expression must be a non-empty string, got "
            ~ (expression | tojson) ~ " at position " ~ loop.index) }}
    {%- endif -%}
{%- endfor -%}

{%- set nulls = [] -%}
{%- for column in not_null -%}
    {%- do nulls.append((column, column ~ " is null")) -%}
{%- endfor -%}
{%- set broken = [] -%}
{%- for expression in expressions -%}
    {%- do broken.append((loop.index, "not coalesce(" ~ expression ~ ", false)")) -%}
{%- endfor %}

{%- set rows_under_test = partner_commissions._log_date_in('log_date', dates) if dates is not none else none %}

{{ partner_commissions.rows_failing_any(
    model, [('null_columns', nulls), ('failed_expression', broken)], unique_keys, rows_under_test) }}

{% endtest %}
