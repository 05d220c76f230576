{{ config(**partner_commissions.deduplicated_config(unique_key='click_id')) }}

{#- Valid clicks lines, one row per click_id: the first delivery wins (earliest log_date, file_name,
    line_number). Redeliveries are listed in audit.duplicate_events. -#}

with ranked as (

    {{ partner_commissions.ranked_deliveries(
        ref('base_clicks'),
        key_columns=['click_id'],
        payload_columns=['clicked_at', 'partner_id', 'visitor_id', 'landing', 'url', 'ip', 'user_agent']
    ) | indent(4) }}

)

select
    click_id,
    clicked_at,
    partner_id,
    visitor_id,
    landing,
    url,
    ip,
    user_agent,
    log_date,
    file_name,
    line_number
from ranked
where delivery_rank = 1
