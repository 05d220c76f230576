-- One row per partner × calendar month (UTC, of the sale) in which the partner has at least
-- one commission line. tier1/tier2 = that month's charge lines per tier, clawback = its
-- reversal lines (<= 0); total = tier1 + tier2 + clawback = payable + pending.
-- tier1_net / tier2_net = each tier's charge and reversal lines together (their sum is
-- total; a recruiter's tier2_net over all months is its second_tier_lifetime commission).

with lines as (

    select
        *,
        cast({{ dbt.date_trunc('month', 'sale_date') }} as date) as month
    from {{ ref('int_commission_lines') }}

),

monthly as (

    select
        partner_id,
        month,
        sum(case when sale_type = 'charge' and tier = 1 then commission_usd else 0 end) as tier1_usd,
        sum(case when sale_type = 'charge' and tier = 2 then commission_usd else 0 end) as tier2_usd,
        sum(case when sale_type <> 'charge' then commission_usd else 0 end) as clawback_usd,
        sum(case when tier = 1 then commission_usd else 0 end) as tier1_net_usd,
        sum(case when tier = 2 then commission_usd else 0 end) as tier2_net_usd,
        sum(commission_usd) as total_usd,
        sum(case when status = 'payable' then commission_usd else 0 end) as payable_usd,
        sum(case when status = 'pending' then commission_usd else 0 end) as pending_usd,
        count(*) as lines_count
    from lines
    group by partner_id, month

),

final as (

    select
        partner_id,
        month,
        cast(tier1_usd as decimal(18, 2)) as tier1_usd,
        cast(tier2_usd as decimal(18, 2)) as tier2_usd,
        cast(clawback_usd as decimal(18, 2)) as clawback_usd,
        cast(total_usd as decimal(18, 2)) as total_usd,
        cast(payable_usd as decimal(18, 2)) as payable_usd,
        cast(pending_usd as decimal(18, 2)) as pending_usd,
        cast(tier1_net_usd as decimal(18, 2)) as tier1_net_usd,
        cast(tier2_net_usd as decimal(18, 2)) as tier2_net_usd,
        lines_count
    from monthly

)

select * from final
