{#-
    Delivery is at-least-once (SPEC §2): the same event can arrive again, in the same file or a
    later one. The FIRST delivery wins: earliest (log_date, file_name, line_number).

    `ranked_deliveries` is the single definition used by stg_<feed> (keeps delivery_rank = 1)
    and audit_duplicate_events (lists delivery_rank > 1), so the two always agree.
    On an incremental run (deduplicated_config below) it ranks only the events delivered in
    the selected log dates: every delivery of those events, from any log date, and no other.
    It selects from `relation` the valid rows (rejection_reason is null) with every column plus:
      event_id           the dedup key as text (key columns joined with '|')
      delivery_rank      1 for the first delivery, 2, 3, ... for redeliveries
      first_log_date, first_file_name, first_line_number   the first delivery
      same_payload       every column in `payload_columns` equals the first delivery's; true
                         without them: stg_<feed> keeps first deliveries only and does not read
                         it, so it passes none and reads no column only a comparison needs
                         (audit_duplicate_events lists each feed's payload)
-#}
{% macro ranked_deliveries(relation, key_columns, payload_columns=[]) -%}
    {%- set partition = key_columns | join(', ') -%}
    {%- set window -%}
        partition by {{ partition }} order by log_date, file_name, line_number
    {%- endset -%}
    {%- set event_id_parts = [] -%}
    {%- for c in key_columns -%}
        {%- do event_id_parts.append("cast(" ~ c ~ " as " ~ dbt.type_string() ~ ")") -%}
    {%- endfor -%}
    {%- set event_id = event_id_parts | join(" || '|' || ") -%}
    {#- the valid deliveries, with event_id (a feed whose key is its own text column
        `event_id` has it already: a second column of that name would be ambiguous on Spark) -#}
    {%- set valid -%}
        select
            *{% if key_columns != ['event_id'] %},
            {{ event_id }} as event_id{% endif %}
        from {{ relation }}
        where {{ partner_commissions.valid_deliveries_of_the_nights_events(relation, event_id) }}
    {%- endset -%}
    {%- set ranked -%}
        select
            deliveries.*,
            row_number() over ({{ window }}) as delivery_rank,
            first_value(log_date) over ({{ window }}) as first_log_date,
            first_value(file_name) over ({{ window }}) as first_file_name,
            first_value(line_number) over ({{ window }}) as first_line_number,
            {%- if payload_columns %}
            (
                {%- for c in payload_columns %}
                {{ c }} is not distinct from first_value({{ c }}) over ({{ window }}){{ " and" if not loop.last }}
                {%- endfor %}
            ) as same_payload
            {%- else %}
            true as same_payload
            {%- endif %}
        from ({{ valid }}) as deliveries
    {%- endset -%}
    {#- A night ranks the deliveries of its own events only, a few thousand rows: one pass.
        (Split as below, they would be looked up among every valid row three times.) -#}
    {%- if partner_commissions.nights_log_dates() is not none -%}
        {{ return(ranked) }}
    {%- endif -%}
    {#- From scratch, most events are delivered once: only those delivered more than once need
        the window (a sort); the rest are their own first delivery. -#}
    {%- set redelivered -%}
        select event_id
        from ({{ valid }}) as deliveries
        group by event_id
        having count(*) > 1
    {%- endset -%}
    {{ ranked }}
    where event_id in ({{ redelivered }})

    union all

    select
        deliveries.*,
        cast(1 as {{ dbt.type_bigint() }}) as delivery_rank,
        log_date as first_log_date,
        file_name as first_file_name,
        line_number as first_line_number,
        true as same_payload
    from ({{ valid }}) as deliveries
    where event_id not in ({{ redelivered }})
{%- endmacro %}


{#- The valid rows (rejection_reason is null) delivering an event that has a valid delivery in
    the selected log dates: every valid row on a build from scratch or when log_dates is unset,
    none when it is []. -#}
{% macro valid_deliveries_of_the_nights_events(relation, event_id) -%}
    {%- set dates = partner_commissions.nights_log_dates() -%}
    {%- if dates is none -%}
        rejection_reason is null
    {%- elif dates | length == 0 -%}
        1 = 0
    {%- else -%}
        {%- set nights_events -%}
            select {{ event_id }}
            from {{ relation }}
            where rejection_reason is null
                and {{ partner_commissions._log_date_in('log_date', dates) }}
        {%- endset -%}
        {{ adapter.dispatch('valid_deliveries_of', 'partner_commissions')(relation, event_id, nights_events) }}
    {%- endif -%}
{%- endmacro %}


{#- The condition "this row is valid and delivers one of `events`" (a subquery of event ids). -#}
{% macro default__valid_deliveries_of(relation, event_id, events) -%}
    rejection_reason is null and {{ event_id }} in ({{ events }})
{%- endmacro %}

{#- DuckDB: the rows are found on the key columns alone, then fetched by rowid, which DuckDB
    reads for those rows only. A semi-join on the key (or any other filter beside the rowid's)
    reads every column the query selects (raw_line included) for every row first: on a year of
    bench data, audit.duplicate_events 1.1 s against 0.3 s, stg_clicks 0.7 s against 0.5 s. -#}
{% macro duckdb__valid_deliveries_of(relation, event_id, events) -%}
    rowid in (
        select rowid
        from {{ relation }}
        where rejection_reason is null
            and {{ event_id }} in ({{ events }})
    )
{%- endmacro %}


{#- Config of a deduplicated model (stg_<feed>, audit.duplicate_events), keyed on `unique_key`;
    also of a model kept up to date from one, rebuilt exactly when it is (int_monthly_clicks,
    int_sale_fx_rates and int_sales_usd: macros/incremental/sales_to_revalue.sql).

    A night that only ADDS deliveries (its log dates were never transformed before) cannot
    demote a first delivery to a redelivery's rank, so re-ranking the events delivered that
    night is enough: incremental delete+insert on `unique_key`, work in proportion to the
    night's logs. The Dagster run passes var rebuild_deduplication = false exactly then. Any
    other run (a log date reloaded because its file changed or vanished, which can promote a
    redelivery; dbt run by hand; --full-refresh) rebuilds the table from every delivery, as
    a full refresh of the model would (should_full_refresh below).
    The config is the same on both runs: dbt parses again every file that read a changed
    environment variable while parsing (these 8 files, ≈ 2 s of the run after a change), so
    the var is read only while dbt executes.
    Spark has no delete+insert strategy: there it is always a table. -#}
{% macro deduplicated_config(unique_key) -%}
    {{ return(adapter.dispatch('deduplicated_config', 'partner_commissions')(unique_key)) }}
{%- endmacro %}

{% macro default__deduplicated_config(unique_key) -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': unique_key,
        'on_schema_change': 'fail',
        'meta': {'rebuilt_with_deduplication': true},
    }) }}
{%- endmacro %}

{#- dbt's own should_full_refresh (the model's `full_refresh` config, else --full-refresh),
    and true for a deduplicated model when the run rebuilds deduplication: dbt's incremental
    materialization then builds the table anew from the model's full SQL (is_incremental()
    is false), in one write, as a table materialization would. Read only while dbt executes
    (dbt asks when it builds a model, and is_incremental() only then). -#}
{% macro should_full_refresh() -%}
    {%- set full_refresh = dbt.should_full_refresh() -%}
    {%- if not full_refresh and execute and config.meta_get('rebuilt_with_deduplication') -%}
        {%- set full_refresh = partner_commissions.run_setting('rebuild_deduplication', true) -%}
    {%- endif -%}
    {{ return(full_refresh) }}
{%- endmacro %}

{% macro spark__deduplicated_config(unique_key) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}


{#- The rows of `relation` (a raw table) at the places listed in `places` (a CTE with
    log_date, file_name and line_number): a few lines of a large table, e.g. the raw lines of
    redeliveries. -#}
{% macro rows_at(relation, places) -%}
    {{ return(adapter.dispatch('rows_at', 'partner_commissions')(relation, places)) }}
{%- endmacro %}

{% macro default__rows_at(relation, places) -%}
    select rows_found.*
    from (select * from {{ relation }}) as rows_found
    inner join {{ places }} as places
        on
            rows_found.log_date = places.log_date
            and rows_found.file_name = places.file_name
            and rows_found.line_number = places.line_number
{%- endmacro %}

{#- DuckDB: found on the key columns, then fetched by rowid (as duckdb__valid_deliveries_of):
    joined and then parsed, the raw lines' text was read for every line of the table (a
    night's audit.duplicate_events read a whole year of raw clicks). -#}
{% macro duckdb__rows_at(relation, places) -%}
    {%- if model.resource_type == 'unit_test' or relation.limit is not none -%}
        {#- a unit test's fixture (a CTE) or `dbt build --empty`'s subquery: no rowid -#}
        {{ return(partner_commissions.default__rows_at(relation, places)) }}
    {%- endif %}
    select *
    from {{ relation }}
    where rowid in (
        select rows_found.rowid
        from {{ relation }} as rows_found
        inner join {{ places }} as places
            on
                rows_found.log_date = places.log_date
                and rows_found.file_name = places.file_name
                and rows_found.line_number = places.line_number
    )
{%- endmacro %}
