{#- The rows of `model` for which any of `failures` holds, each failure a (label, SQL
    condition) pair; `label_column` names the labels of those that hold ('a, b'). Portable SQL
    (dbt.concat, case, substring), shared by the generic tests not_null_columns and
    expressions_are_true. Labels are column names or numbers, checked by the tests: they are
    written into string literals. -#}
{% macro rows_failing_any(model, failures, label_column) -%}
{#- ', a, b' for the failures that hold, then the leading ', ' cut off (substring is 1-based) -#}
{%- set flags = [] -%}
{%- for label, condition in failures -%}
    {%- do flags.append("\n        case when " ~ condition ~ " then ', " ~ label ~ "' else '' end") -%}
{%- endfor %}

select
    substring({{ dbt.concat(flags) }},
        3
    ) as {{ label_column }},
    *
from {{ model }}
where
    {%- for label, condition in failures %}
    {{ 'or ' if not loop.first }}{{ condition }}
    {%- endfor %}
{%- endmacro %}


{#- Stops the parse with a clear message unless `value` (argument `argument` of generic test
    `test`) is a non-empty list; `what` says what its items are. -#}
{% macro require_non_empty_list(test, argument, value, what) -%}
{%- if value is string or value is mapping or value is not iterable or value | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        test ~ ": `" ~ argument ~ "` must be a non-empty list of " ~ what ~ ", got "
        ~ (value | tojson)) }}
{%- endif -%}
{%- endmacro %}
