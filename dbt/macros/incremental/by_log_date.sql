{#-
    The base_<feed> models read raw logs and are incremental by log date (one night's run does
    work in proportion to that night's logs). The dbt var `log_dates` (list of 'YYYY-MM-DD'
    strings, or one such string) names the log dates to (re)process; unset (null, the default)
    means every log date, and an empty list means none (a run with no new logs). A (re)processed log date's rows are replaced as a whole: the pre-hook first
    deletes them (inside the model's transaction), so a log date whose raw rows are gone (its
    file was removed and the loader emptied the partition) does not keep stale rows, which
    delete+insert alone would (it only deletes log dates present in the new rows).
-#}

{#- Config for a model incremental by log date. DuckDB (and the default): delete+insert keyed
    on log_date. Spark has no delete+insert: overwrite the log_date partitions instead. -#}
{% macro incremental_by_log_date_config() -%}
    {{ return(adapter.dispatch('incremental_by_log_date_config', 'partner_commissions')()) }}
{%- endmacro %}

{% macro default__incremental_by_log_date_config() -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': 'log_date',
        'on_schema_change': 'fail',
        'pre_hook': "{{ partner_commissions.delete_selected_log_dates() }}",
    }) }}
{%- endmacro %}

{#- Spark: a parquet table partitioned by log_date; insert_overwrite replaces (with
    spark.sql.sources.partitionOverwriteMode=dynamic, which dbt-spark sets) exactly the
    partitions the new rows fall in. The pre-hook first drops the selected log dates'
    partitions, so a log date whose raw rows are gone is emptied here too. -#}
{% macro spark__incremental_by_log_date_config() -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'partition_by': ['log_date'],
        'file_format': 'parquet',
        'on_schema_change': 'fail',
        'pre_hook': "{{ partner_commissions.drop_selected_log_date_partitions() }}",
    }) }}
{%- endmacro %}


{#- A per-run setting: environment variable PARTNER_DBT_<NAME> (JSON), which the Dagster run
    sets, else var(name), else `default`. Per-run values travel in the environment because a
    changed --vars makes dbt re-parse the whole project, while a changed environment variable
    re-parses only the files that read it (partial parsing). -#}
{% macro run_setting(name, default) -%}
    {%- set from_env = env_var('PARTNER_DBT_' ~ (name | upper), '') -%}
    {%- if from_env != '' -%}
        {{ return(fromjson(from_env)) }}
    {%- endif -%}
    {{ return(var(name, default)) }}
{%- endmacro %}


{#- The validated `log_dates` var as a list of 'YYYY-MM-DD' strings, or none when unset
    (= every log date). Validated because the dates become SQL literals: anything else stops
    the run with a clear message.
    Read only when dbt executes: the dates change every night and shape SQL only, never a
    config or a ref. dbt re-parses every file that read an environment variable whose value
    changed, so reading it while parsing cost each run a re-parse of the ~20 files using it. -#}
{% macro selected_log_dates() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = partner_commissions.run_setting('log_dates', none) -%}
    {%- if value is none -%}
        {{ return(none) }}
    {%- elif value is string -%}
        {%- set value = [value] if value | trim != '' else [] -%}
    {%- endif -%}
    {%- set dates = [] -%}
    {%- for d in value -%}
        {%- set d = d | string | trim -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', d) -%}
            {{ exceptions.raise_compiler_error("var log_dates: expected 'YYYY-MM-DD' strings, got " ~ (d | tojson)) }}
        {%- endif -%}
        {%- do dates.append(d) -%}
    {%- endfor -%}
    {{ return(dates | unique | sort) }}
{%- endmacro %}


{#- The log dates an incremental run of this model processes: selected_log_dates() when the
    model is built incrementally (is_incremental()), else none, as for unset log_dates: the
    model is built from every row. [] is a night with no new log date. The question "does this
    build work on the night's rows only" of log_date_filter, the deduplicated models
    (deduplication.sql) and the revalued sales (sales_to_revalue.sql). -#}
{% macro nights_log_dates() -%}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(partner_commissions.selected_log_dates()) }}
{%- endmacro %}


{#- `<column> in (<dates>)`, or `1 = 0` (no row) for no date; the dates were validated by
    selected_log_dates. -#}
{% macro _log_date_in(column, dates) -%}
    {%- if dates | length == 0 -%}
    1 = 0
    {%- else -%}
    {{ column }} in (
        {%- for d in dates %}
        cast({{ partner_commissions.sql_literal(d) }} as date){{ "," if not loop.last }}
        {%- endfor %}
    )
    {%- endif -%}
{%- endmacro %}


{#- WHERE clause restricting raw rows to the selected log dates on an incremental run;
    nothing on a first/full-refresh run or when log_dates is unset; no row when it is []. -#}
{% macro log_date_filter(column='log_date') -%}
    {%- set dates = partner_commissions.nights_log_dates() -%}
    {%- if dates is not none %}
    where {{ partner_commissions._log_date_in(column, dates) }}
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook: on an incremental run, delete the rows of the selected log dates (all rows when
    log_dates is unset, none when it is []), so the run leaves exactly what raw holds. -#}
{% macro delete_selected_log_dates(column='log_date') -%}
    {%- set dates = partner_commissions.selected_log_dates() -%}
    {%- if is_incremental() and (dates is none or dates | length > 0) %}
    delete from {{ this }}
        {%- if dates is not none %}
    where {{ partner_commissions._log_date_in(column, dates) }}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}


{#- Spark pre-hook, the counterpart of delete_selected_log_dates: on an incremental run, drop
    the partitions of the selected log dates (every partition when log_dates is unset). -#}
{% macro drop_selected_log_date_partitions(column='log_date') -%}
    {%- set dates = partner_commissions.selected_log_dates() -%}
    {%- if is_incremental() %}
        {%- if dates is none %}
    truncate table {{ this }}
        {%- elif dates | length > 0 %}
    alter table {{ this }} drop if exists
            {%- for d in dates %}
        partition ({{ column }} = {{ partner_commissions.sql_literal(d) }}){{ "," if not loop.last }}
            {%- endfor %}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}
