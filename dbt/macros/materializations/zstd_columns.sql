{#-
    Columns stored zstd-compressed on DuckDB: a model lists them in its meta, `zstd_columns`
    (dbt_project.yml gives the clicks models, base_clicks and stg_clicks, their ids: nearly
    one distinct value per row).

    DuckDB picks a compression per column segment by trying each of its own (dictionary, FSST,
    ...) on the data; on strings with nearly one value per row that analysis is most of the
    write, and dictionary + FSST stores them larger than zstd does. Writing a year of bench
    clicks' valid rows (5.4 M) as stg_clicks: 9.9 s and 923 blocks of 256 kB by default, 6.3 s
    and 377 blocks with those four columns zstd (reading them back: 1.33 against 1.40 s; since
    then neither clicks model keeps an IP address or URL).
    DuckDB keeps a column's compression with the table, so the rows a night appends are
    compressed the same way.

    dbt-duckdb builds a table with `create table ... as`, which cannot name a column's
    compression: here, when the model lists zstd columns, the table is created from the
    query's own column types (DuckDB's DESCRIBE of the query: exact types, DECIMAL(p, s)
    included) with `using compression zstd` on those columns, then filled by one insert. Every
    other table, and every temporary one (a night's new rows), is built by dbt-duckdb's own
    macro. Other adapters (Spark) ignore the list.

    The list takes effect where dbt-duckdb's materializations create the table: incremental
    models (base_clicks and stg_clicks are), on their first build and every full refresh. The
    project's `table` materialization (duckdb_table.sql: one `create or replace table ... as`)
    does not read it: a table-materialized model listing zstd_columns is stored as any other.
-#}
{% macro duckdb__create_table_as(temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none) -%}
    {%- set zstd_columns = [] if temporary else (config.meta_get('zstd_columns') or []) -%}
    {%- if not zstd_columns or language != 'sql' or partitioned_by or sorted_by
        or config.get('contract').enforced -%}
        {{ return(dbt.duckdb__create_table_as(temporary, relation, compiled_code, language, partitioned_by, sorted_by)) }}
    {%- endif -%}
    {%- set columns = partner_commissions.query_column_types(compiled_code) -%}
    {%- set unknown = zstd_columns | reject('in', columns | map(attribute=0) | list) | list -%}
    {%- if execute and unknown -%}
        {{ exceptions.raise_compiler_error(
            "meta.zstd_columns names columns the model does not have: " ~ (unknown | join(', '))) }}
    {%- endif -%}
    create table {{ relation }} (
    {%- for name, data_type in columns %}
        {{ adapter.quote(name) }} {{ data_type }}{% if name in zstd_columns %} using compression zstd{% endif %}{{ "," if not loop.last }}
    {%- endfor %}
    );
    insert into {{ relation }}
    select * from (
        {{ compiled_code }}
    ) as model_subq;
{%- endmacro %}


{#- (name, type) of each column a query returns, from DuckDB's DESCRIBE of it; none while
    dbt only parses. -#}
{% macro query_column_types(compiled_code) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set described = run_query('describe select * from (' ~ compiled_code ~ ') as model_subq') -%}
    {%- set columns = [] -%}
    {%- for row in described.rows -%}
        {%- do columns.append((row['column_name'], row['column_type'])) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
