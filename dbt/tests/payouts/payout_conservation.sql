{#- Conservation (SPEC §6), blocking: per line key, the sum paid over the closed periods equals
    the key's value at the last close (the latest line's paid_total_usd), the key's first
    line is its only `new` one. Returns the keys that break it. -#}

with lines as (

    select
        sale_id,
        tier,
        partner_id,
        kind,
        delta_usd,
        paid_total_usd,
        row_number() over (partition by sale_id, tier, partner_id order by period desc) as from_last,
        row_number() over (partition by sale_id, tier, partner_id order by period) as from_first
    from {{ ref('payout_lines') }}

)

select
    sale_id,
    tier,
    partner_id,
    sum(delta_usd) as paid_usd,
    max(case when from_last = 1 then paid_total_usd end) as value_at_last_close
from lines
group by sale_id, tier, partner_id
having sum(delta_usd) <> max(case when from_last = 1 then paid_total_usd end)
    or sum(case when kind = 'new' then 1 else 0 end) <> 1
    or max(case when from_first = 1 then kind end) <> 'new'
