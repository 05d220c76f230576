{#- Fails for every row of the model where any of `expressions` is not true (false or NULL),
    each checked exactly as expression_is_true checks its one expression. `failed_expression`
    gives the 1-based positions of the ones a row breaks (e.g. '2, 4'). One test (one Dagster
    asset check) per model instead of one expression_is_true per rule.
    Usage (model level):
      data_tests: [{expressions_are_true: {arguments: {expressions: ["a = b + c", "d >= 0"]}}}]
    `expressions` is a non-empty list of SQL boolean expressions, pasted into the SQL as written.
    Optional `where` / `severity` config applies to all of them, as for any data test: give
    expressions that need another config a test of their own. May also be attached to a
    column (column_name is then ignored, as for expression_is_true).
    Accepted values are rules here too: `tier in (1, 2)` when the column is also in the model's
    not_null_columns, else `status is null or status in ('a', 'b')` (dbt's accepted_values let
    NULL pass; a rule here fails it). -#}
{% test expressions_are_true(model, expressions, column_name=none) %}

{%- do partner_commissions.require_non_empty_list(
    'expressions_are_true', 'expressions', expressions, 'SQL expressions') -%}
{%- for expression in expressions -%}
    {%- if expression is not string or expression | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "expressions_are_true: each expression must be a non-empty string, got "
            ~ (expression | tojson) ~ " at position " ~ loop.index) }}
    {%- endif -%}
{%- endfor -%}

{%- set failures = [] -%}
{%- for expression in expressions -%}
    {%- do failures.append((loop.index, "not coalesce(" ~ expression ~ ", false)")) -%}
{%- endfor %}

{{ partner_commissions.rows_failing_any(model, failures, 'failed_expression') }}

{% endtest %}
