{#- Fails for every row of the model where any of `columns` is NULL; `null_columns` names them
    (e.g. 'partner_id, tier'). One test (one Dagster asset check) per model instead of one
    not_null per column.
    Usage (model level):  data_tests: [{not_null_columns: {arguments: {columns: [a, b, c]}}}]
    `columns` is a non-empty list of plain column names (checked: they are pasted into the SQL).
    Optional `where` / `severity` config applies to all of them, as for any data test: give
    columns that need another config a not_null_columns test of their own. -#}
{% test not_null_columns(model, columns) %}

{%- do partner_commissions.require_non_empty_list(
    'not_null_columns', 'columns', columns, 'column names') -%}
{%- for column in columns -%}
    {%- if column is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column) -%}
        {{ exceptions.raise_compiler_error(
            "not_null_columns: column names must be plain identifiers, got "
            ~ (column | tojson)) }}
    {%- endif -%}
{%- endfor -%}
{%- if columns | map('lower') | unique | list | length != columns | length -%}
    {{ exceptions.raise_compiler_error(
        "not_null_columns: a column is listed twice in " ~ (columns | tojson)) }}
{%- endif -%}

{%- set failures = [] -%}
{%- for column in columns -%}
    {%- do failures.append((column, column ~ " is null")) -%}
{%- endfor %}

{{ partner_commissions.rows_failing_any(model, failures, 'null_columns') }}

{% endtest %}
