{{ config(**partner_commissions.deduplicated_config(unique_key='sale_id')) }}

{#- Valid sales lines, one row per sale_id: the first delivery wins (earliest log_date, file_name,
    line_number). Redeliveries are listed in audit.duplicate_events. -#}

with ranked as (

    {{ partner_commissions.ranked_deliveries(
        ref('base_sales'),
        key_columns=['sale_id']
    ) | indent(4) }}

)

select
    sale_id,
    sold_at,
    customer_id,
    sale_type,
    amount,
    currency,
    refers_to,
    log_date,
    file_name,
    line_number
from ranked
where delivery_rank = 1
