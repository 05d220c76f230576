{#-
    Delivery is at-least-once (SPEC §2): the same event can arrive again, in the same file or a
    later one. The FIRST delivery wins: earliest (log_date, file_name, line_number).

    `ranked_deliveries` is the single definition used by stg_<feed> (keeps delivery_rank = 1)
    and audit_duplicate_events (lists delivery_rank > 1), so the two always agree.
    It selects from `relation` the valid rows (rejection_reason is null) with every column plus:
      event_id           the dedup key as text (key columns joined with '|')
      delivery_rank      1 for the first delivery, 2, 3, ... for redeliveries
      first_log_date, first_file_name, first_line_number   the first delivery
      same_payload       every column in `payload_columns` equals the first delivery's
-#}
{% macro ranked_deliveries(relation, key_columns, payload_columns) -%}
    {%- set partition = key_columns | join(', ') -%}
    {%- set window -%}
        partition by {{ partition }} order by log_date, file_name, line_number
    {%- endset -%}
    {%- set event_id_parts = [] -%}
    {%- for c in key_columns -%}
        {%- do event_id_parts.append("cast(" ~ c ~ " as " ~ dbt.type_string() ~ ")") -%}
    {%- endfor -%}
    select
        *,
        {#- a feed whose key is its own text column `event_id` has it already (a second
            column of that name would be ambiguous on Spark) #}
        {%- if key_columns != ['event_id'] %}
        {{ event_id_parts | join(" || '|' || ") }} as event_id,
        {%- endif %}
        row_number() over ({{ window }}) as delivery_rank,
        first_value(log_date) over ({{ window }}) as first_log_date,
        first_value(file_name) over ({{ window }}) as first_file_name,
        first_value(line_number) over ({{ window }}) as first_line_number,
        (
            {%- for c in payload_columns %}
            {{ c }} is not distinct from first_value({{ c }}) over ({{ window }}){{ " and" if not loop.last }}
            {%- endfor %}
        ) as same_payload
    from {{ relation }}
    where rejection_reason is null
{%- endmacro %}
