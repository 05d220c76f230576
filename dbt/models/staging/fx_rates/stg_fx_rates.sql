{#- Valid fx_rates lines, one row per (rate_date, currency): the first delivery wins (earliest log_date, file_name,
    line_number). Redeliveries are listed in audit.duplicate_events. -#}

with ranked as (

    {{ partner_commissions.ranked_deliveries(
        ref('base_fx_rates'),
        key_columns=['rate_date', 'currency']
    ) | indent(4) }}

)

select
    rate_date,
    currency,
    usd_per_unit,
    log_date,
    file_name,
    line_number
from ranked
where delivery_rank = 1
