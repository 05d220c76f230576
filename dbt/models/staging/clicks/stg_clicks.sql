{{ config(**partner_commissions.deduplicated_config(unique_key='click_id')) }}

{#- Valid clicks lines, one row per click_id: the first delivery wins (earliest log_date, file_name,
    line_number). Redeliveries are listed in audit.duplicate_events. Only the columns the
    models after it read: `url`, `ip` and `user_agent` are checked in base_clicks and not
    stored (audit.duplicate_events compares redeliveries on them from their raw lines). Stored
    here, they were 5.4 M near-unique strings a bench year (stg_clicks' rows 2.4-2.7 s with
    them, 1.1 s without). -#}

with ranked as (

    {{ partner_commissions.ranked_deliveries(
        ref('base_clicks'),
        key_columns=['click_id']
    ) | indent(4) }}

)

select
    click_id,
    clicked_at,
    partner_id,
    visitor_id,
    landing,
    log_date,
    file_name,
    line_number
from ranked
where delivery_rank = 1
