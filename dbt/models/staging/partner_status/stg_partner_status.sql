{{ config(**partner_commissions.deduplicated_config(unique_key='event_id')) }}

{#- Valid partner_status lines, one row per event_id: the first delivery wins (earliest log_date, file_name,
    line_number). Redeliveries are listed in audit.duplicate_events. -#}

with ranked as (

    {{ partner_commissions.ranked_deliveries(
        ref('base_partner_status'),
        key_columns=['event_id']
    ) | indent(4) }}

)

select
    event_id,
    status_at,
    partner_id,
    status,
    log_date,
    file_name,
    line_number
from ranked
where delivery_rank = 1
