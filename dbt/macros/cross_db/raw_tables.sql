{#-
    on-run-start: make the raw tables known to the engine.

    DuckDB: nothing to do, the Dagster raw loader creates raw.<feed> in the warehouse.
    Spark: the raw loader (dagster_project/spark_loading.py) writes each feed's lines as
    parquet files under <PARTNER_SPARK_RAW_DIR>/<feed>/log_date=YYYY-MM-DD/ (one directory per
    log date, replaced as a whole), without touching the metastore (which a local Derby
    metastore would not let two processes share). Here each feed becomes an external table
    raw.<feed> partitioned by log_date over that location, and its partitions are synced
    with the directories (a log date the loader emptied disappears). Without
    PARTNER_SPARK_RAW_DIR (e.g. a cluster whose loader registers the tables itself) nothing
    is done.
-#}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'partner_commissions')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- set location = env_var('PARTNER_SPARK_RAW_DIR', '') -%}
    {%- if execute and location -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for feed in partner_commissions.raw_feeds() -%}
            {#- External (a location): dropping it leaves the files; recreated so that a table
                registered before a column was added gets it. -#}
            {%- do run_query('drop table if exists raw.' ~ feed) -%}
            {%- set create -%}
                create table raw.{{ feed }} (
                    file_name string,
                    line_number bigint,
                    raw_line string,
                    is_valid_utf8 boolean,
                    is_truncated boolean,
                    log_date date
                )
                using parquet
                partitioned by (log_date)
                location {{ partner_commissions.sql_literal(location ~ '/' ~ feed) }}
            {%- endset -%}
            {%- do run_query(create) -%}
            {%- do run_query('msck repair table raw.' ~ feed ~ ' sync partitions') -%}
        {%- endfor -%}
        {#- The loader's bookkeeping (spark_loading.FileLoads, <spark dir>/file_loads.json:
            {"<feed>/<YYYY-MM-DD>": {file_name, rows, ...}}) as raw._file_loads, the
            counterpart of the DuckDB loader's table (source raw.file_loads). -#}
        {%- set spark_dir = env_var('PARTNER_SPARK_DIR', '') -%}
        {%- if spark_dir -%}
            {%- set read_json -%}
                create or replace temporary view file_loads_json
                using text
                options (path {{ partner_commissions.sql_literal(spark_dir ~ '/file_loads.json') }}, wholetext 'true')
            {%- endset -%}
            {%- do run_query(read_json) -%}
            {%- do run_query('drop table if exists raw._file_loads') -%}
            {%- set create_table -%}
                create table raw._file_loads using parquet as
                select
                    split_part(entry.key, '/', 1) as feed,
                    cast(split_part(entry.key, '/', 2) as date) as log_date,
                    entry.value.file_name as file_name,
                    entry.value.rows as rows_loaded
                from (
                    select explode(from_json(value, 'map<string, struct<file_name: string, rows: bigint>>'))
                        as (key, value)
                    from file_loads_json
                ) as entry
            {%- endset -%}
            {%- do run_query(create_table) -%}
        {%- endif -%}
        {#- The payout ledger (dagster_project/ledger_loading.py): two plain parquet tables,
            each directory rewritten whole by every run. -#}
        {%- for table, columns in [
            ('ledger', 'period date, file_name string, line_number bigint, raw_line string, is_valid_utf8 boolean'),
            ('ledger_files', 'period date, file_name string, line_count bigint, sha256 string'),
        ] -%}
            {%- set create -%}
                create table if not exists raw.{{ table }} ({{ columns }})
                using parquet
                location {{ partner_commissions.sql_literal(location ~ '/' ~ table) }}
            {%- endset -%}
            {%- do run_query(create) -%}
            {%- do run_query('refresh table raw.' ~ table) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
