{#- A model's row-level rules, one test (one Dagster asset check) per model: fails for every
    row where a `not_null` column is NULL or one of `expressions` is not true (false or NULL,
    each checked as expression_is_true checks its one expression). Each failing row says what
    it breaks: `null_columns` names its NULL columns (e.g. 'partner_id, tier'),
    `failed_expression` the 1-based positions of the expressions it breaks (e.g. '2, 4'); ''
    where none. One query over the model instead of one test per column and per rule: each dbt
    test costs its run ≈ 45 ms of dbt's own work and Dagster three events, whatever it checks.
    Usage (model level):
      data_tests:
        - row_rules:
            name: row_rules_<model>
            arguments:
              not_null: [a, b, c]
              expressions: ["a = b + c", "status in ('x', 'y')"]
    Give at least one of the two. `not_null` items are plain column names (checked: they are
    pasted into the SQL); `expressions` are SQL boolean expressions, pasted as written.
    Accepted values are rules here too: `tier in (1, 2)` for a column in `not_null`, else
    `status is null or status in ('a', 'b')` (dbt's accepted_values let NULL pass; a rule here
    fails it). Optional `where` / `severity` config applies to every rule, as for any data
    test: give rules that need another config a row_rules test of their own. -#}
{% test row_rules(model, not_null=none, expressions=none) %}

{%- set not_null = not_null or [] -%}
{%- set expressions = expressions or [] -%}
{%- if not_null | length == 0 and expressions | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "row_rules: give `not_null` (column names) or `expressions` (SQL rules), or both") }}
{%- endif -%}
{%- if not_null | length > 0 -%}
    {%- do partner_commissions.require_non_empty_list(
        'row_rules', 'not_null', not_null, 'column names') -%}
{%- endif -%}
{%- if expressions | length > 0 -%}
    {%- do partner_commissions.require_non_empty_list(
        'row_rules', 'expressions', expressions, 'SQL expressions') -%}
{%- endif -%}
{%- for column in not_null -%}
    {%- if column is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column) -%}
        {{ exceptions.raise_compiler_error(
            "row_rules: not_null items must be plain column names, got " ~ (column | tojson)) }}
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

{{ partner_commissions.rows_failing_any(
    model, [('null_columns', nulls), ('failed_expression', broken)]) }}

{% endtest %}
