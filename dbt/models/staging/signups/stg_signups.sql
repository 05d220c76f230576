{{ config(**partner_commissions.deduplicated_config(unique_key='signup_id')) }}

{#- Valid signups lines, one row per signup_id: the first delivery wins (earliest log_date, file_name,
    line_number). Redeliveries are listed in audit.duplicate_events. -#}

with ranked as (

    {{ partner_commissions.ranked_deliveries(
        ref('base_signups'),
        key_columns=['signup_id']
    ) | indent(4) }}

)

select
    signup_id,
    signed_up_at,
    signup_kind,
    account_id,
    visitor_id,
    ref_partner_id,
    program,
    email_hash,
    log_date,
    file_name,
    line_number
from ranked
where delivery_rank = 1
