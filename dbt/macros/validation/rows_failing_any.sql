{#- The rows of `model` that break any rule of `groups`, a list of (label_column, rules),
    each rule a (label, SQL condition that holds when the row breaks it). Each label_column
    lists the labels of its rules the row breaks ('a, b'; '' for none). Portable SQL
    (dbt.concat, case, substring). Labels are column names or numbers, checked by the test
    (row_rules): they are written into string literals. -#}
{% macro rows_failing_any(model, groups) -%}
{%- set conditions = [] -%}
select
{%- for label_column, rules in groups %}
    {%- set flags = [] -%}
    {%- for label, condition in rules -%}
        {%- do flags.append("\n        case when " ~ condition ~ " then ', " ~ label ~ "' else '' end") -%}
        {%- do conditions.append(condition) -%}
    {%- endfor %}
    {#- ', a, b' for the rules that hold, then the leading ', ' cut off (substring is 1-based) #}
    {%- if flags %}
    substring({{ dbt.concat(flags) }},
        3
    ) as {{ label_column }},
    {%- else %}
    '' as {{ label_column }},
    {%- endif %}
{%- endfor %}
    *
from {{ model }}
where
    {%- for condition in conditions %}
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
