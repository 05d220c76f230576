{#- The preview carries in exactly what the last closed period carried out, per partner. -#}

with last_closed as (

    select payouts.partner_id, payouts.carried_out_usd
    from {{ ref('payouts') }} as payouts
    where payouts.period = (select max(period) from {{ ref('int_closed_periods') }})

)

select
    coalesce(last_closed.partner_id, preview.partner_id) as partner_id,
    last_closed.carried_out_usd,
    preview.carried_in_usd
from last_closed
full outer join {{ ref('payout_preview') }} as preview
    on last_closed.partner_id = preview.partner_id
where coalesce(last_closed.carried_out_usd, 0) <> coalesce(preview.carried_in_usd, 0)
