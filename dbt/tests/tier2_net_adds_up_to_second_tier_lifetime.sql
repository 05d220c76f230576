-- SPEC §4: a recruiter's monthly tier2_net_usd (partner_monthly_statement), summed over all
-- months, equals the sum of its second_tier_lifetime commission_usd. Returns the recruiters
-- where the two differ (none when the marts agree).

with monthly as (

    select
        partner_id,
        sum(tier2_net_usd) as tier2_net_usd
    from {{ ref('partner_monthly_statement') }}
    group by partner_id

),

lifetime as (

    select
        recruiter_partner_id as partner_id,
        sum(commission_usd) as commission_usd
    from {{ ref('second_tier_lifetime') }}
    group by recruiter_partner_id

)

select
    coalesce(monthly.partner_id, lifetime.partner_id) as partner_id,
    monthly.tier2_net_usd,
    lifetime.commission_usd
from monthly
full outer join lifetime
    on monthly.partner_id = lifetime.partner_id
where coalesce(monthly.tier2_net_usd, 0) <> coalesce(lifetime.commission_usd, 0)
