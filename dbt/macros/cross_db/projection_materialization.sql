{#- How a model that only renames and casts another model's columns is materialized
    (fct_sales, fct_commissions): DuckDB keeps it a view, so a night does not write the whole
    history's rows a second time (≈ 0.3 s per 450 k rows on the bench); publishing copies the
    marts into marts.duckdb as tables either way. Spark: a table, since Spark publishing reads
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
