-- One row per recruiter–recruit pair (also before the recruit sells: zeros), summing the
-- recruit's sales (charges and reversals) on which the recruiter has a tier-2 line.

with recruit_pairs as (

    select
        recruiter_partner_id,
        partner_id as recruit_partner_id,
        signed_up_at as recruited_at
    from {{ ref('int_partner_recruiters') }}
    where recruiter_partner_id is not null

),

tier2_lines as (

    select * from {{ ref('int_commission_lines') }}
    where tier = 2

),

tier2_totals as (

    select
        partner_id as recruiter_partner_id,
        source_partner_id as recruit_partner_id,
        count(distinct sale_id) as sales_count,
        sum(amount_usd) as sales_usd,
        sum(commission_usd) as commission_usd,
        min(sold_at) as first_sale_at,
        max(sold_at) as last_sale_at
    from tier2_lines
    group by partner_id, source_partner_id

),

final as (

    select
        recruit_pairs.recruiter_partner_id,
        recruit_pairs.recruit_partner_id,
        recruit_pairs.recruited_at,
        coalesce(tier2_totals.sales_count, 0) as sales_count,
        cast(coalesce(tier2_totals.sales_usd, 0) as decimal(18, 2)) as sales_usd,
        cast(coalesce(tier2_totals.commission_usd, 0) as decimal(18, 2)) as commission_usd,
        tier2_totals.first_sale_at,
        tier2_totals.last_sale_at
    from recruit_pairs
    left join tier2_totals
        on
            recruit_pairs.recruiter_partner_id = tier2_totals.recruiter_partner_id
            and recruit_pairs.recruit_partner_id = tier2_totals.recruit_partner_id

)

select * from final
