{#- How a model that only renames, casts or stacks other models' rows is materialized
    (fct_sales, fct_commissions, int_commission_lines): DuckDB keeps it a view, so a night
    does not write the whole history's rows a second time (≈ 0.3 s per 450 k rows on the
    bench; int_commission_lines, a union on the critical path of a night's build, 0.4 s);
    its readers scan the tables under it instead. Publishing copies the marts into
    marts.duckdb as tables either way. Spark: a table, since Spark publishing reads
    each mart's parquet files (engines/spark_publish.py). -#}
{% macro projection_materialization() -%}
    {{ return(adapter.dispatch('projection_materialization', 'partner_commissions')()) }}
{%- endmacro %}

{% macro default__projection_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro duckdb__projection_materialization() -%}
    {{ return('view') }}
{%- endmacro %}
