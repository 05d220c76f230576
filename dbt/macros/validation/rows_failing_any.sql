{#- The rows of `model` that break any rule of `groups`, a list of (label_column, rules),
    each rule a (label, SQL condition that holds when the row breaks it). Each label_column
    lists the labels of its rules the row breaks ('a, b'; '' for none). Portable SQL
    (dbt.concat, case, substring, is not distinct from). Labels are column names or numbers,
    checked by row_rules_check_sql (row_rules.sql): they are written into string literals.
    `unique_keys` (lists of column names): a row whose key occurs on more than one row breaks
    it too (NULLs compare equal, as in GROUP BY); `duplicate_key` lists the positions of the
    keys it shares, and `duplicate_key_<n>_rows` says on how many rows (NULL when unique).
    `where` (SQL condition, optional): only the rows it holds for are checked, keys included. -#}
{% macro rows_failing_any(model, groups, unique_keys=[], where=none) -%}
{%- set rows -%}
    {%- if where is none -%}
        {{ model }}
    {%- else -%}
        (select * from {{ model }} where {{ where }})
    {%- endif -%}
{%- endset -%}
{%- set shared_keys = [] -%}
{%- for key in unique_keys -%}
    {%- do shared_keys.append((loop.index, 'duplicate_key_' ~ loop.index ~ '_rows is not null')) -%}
{%- endfor -%}
{%- set groups = groups + ([('duplicate_key', shared_keys)] if unique_keys else []) -%}
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
from {% if unique_keys %}(
    {#- each key's duplicated values (usually none), joined to the rows that hold them -#}
    select
        checked.*
        {%- for key in unique_keys %},
        duplicate_key_{{ loop.index }}.key_rows as duplicate_key_{{ loop.index }}_rows
        {%- endfor %}
    from {{ rows }} as checked
    {%- for key in unique_keys %}
    {%- set n = loop.index %}
    left join (
        select
            {{ key | join(', ') }},
            count(*) as key_rows
        from {{ rows }} as key_values
        group by {{ key | join(', ') }}
        having count(*) > 1
    ) as duplicate_key_{{ n }}
        on
        {%- for column in key %}
        {{ 'and ' if not loop.first }}checked.{{ column }} is not distinct from duplicate_key_{{ n }}.{{ column }}
        {%- endfor %}
    {%- endfor %}
) as checked{% else %}{{ rows }} as checked{% endif %}
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
