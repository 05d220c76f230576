-- SPEC §4 partner_funnel_monthly: per partner and UTC calendar month of each event, its
-- clicks → attributed signups → its customers' first charges and sales → its commission.
-- A row for every (partner, month) with at least one of these events; EPC =
-- commission_usd / clicks, exact to 4 decimals (NULL without clicks). Clicks naming no
-- known partner are not counted (they are in stg_clicks).

with partners as (

    select partner_id from {{ ref('int_partners') }}

),

clicks as (

    -- clicks and distinct visitors per partner and month, kept up to date night by night
    select monthly_clicks.*
    from {{ ref('int_monthly_clicks') }} as monthly_clicks
    inner join partners
        on monthly_clicks.partner_id = partners.partner_id

),

signups as (

    -- each account's earliest signup (SPEC §3), attributed to its referring partner
    select
        referrer_partner_id as partner_id,
        cast({{ dbt.date_trunc('month', 'signed_up_at') }} as date) as month,
        signup_kind
    from {{ ref('int_signup_attribution') }}
    where referrer_partner_id is not null

),

customer_sales as (

    select
        customers.partner_id,
        sales.sale_id,
        sales.sale_type,
        sales.sold_at,
        sales.amount_usd,
        row_number() over (
            partition by sales.customer_id, sales.sale_type
            order by sales.sold_at, sales.sale_id
        ) as charge_order
    from {{ ref('int_sales_usd') }} as sales
    inner join {{ ref('int_customers') }} as customers
        on sales.customer_id = customers.customer_id
    where customers.partner_id is not null

),

commission_lines as (

    select
        partner_id,
        cast({{ dbt.date_trunc('month', 'sale_date') }} as date) as month,
        commission_usd
    from {{ ref('int_commission_lines') }}

),

events as (

    select
        partner_id,
        month,
        case when signup_kind = 'customer' then 1 else 0 end as customer_signups,
        case when signup_kind = 'partner' then 1 else 0 end as partner_signups,
        0 as first_charges,
        cast(0 as decimal(18, 2)) as sales_usd,
        cast(0 as decimal(18, 2)) as commission_usd
    from signups

    union all

    select
        partner_id,
        cast({{ dbt.date_trunc('month', 'sold_at') }} as date) as month,
        0 as customer_signups,
        0 as partner_signups,
        case when sale_type = 'charge' and charge_order = 1 then 1 else 0 end as first_charges,
        coalesce(amount_usd, 0) as sales_usd,
        0 as commission_usd
    from customer_sales

    union all

    select
        partner_id,
        month,
        0 as customer_signups,
        0 as partner_signups,
        0 as first_charges,
        0 as sales_usd,
        commission_usd
    from commission_lines

),

monthly_events as (

    select
        partner_id,
        month,
        sum(customer_signups) as customer_signups,
        sum(partner_signups) as partner_signups,
        sum(first_charges) as first_charges,
        sum(sales_usd) as sales_usd,
        sum(commission_usd) as commission_usd
    from events
    group by partner_id, month

),

monthly as (

    -- a (partner, month) with clicks, other events, or both
    select
        coalesce(monthly_events.partner_id, clicks.partner_id) as partner_id,
        coalesce(monthly_events.month, clicks.month) as month,
        coalesce(clicks.clicks, 0) as clicks,
        coalesce(clicks.visitors, 0) as visitors,
        coalesce(monthly_events.customer_signups, 0) as customer_signups,
        coalesce(monthly_events.partner_signups, 0) as partner_signups,
        coalesce(monthly_events.first_charges, 0) as first_charges,
        cast(coalesce(monthly_events.sales_usd, 0) as decimal(18, 2)) as sales_usd,
        cast(coalesce(monthly_events.commission_usd, 0) as decimal(18, 2)) as commission_usd
    from monthly_events
    full outer join clicks
        on
            monthly_events.partner_id = clicks.partner_id
            and monthly_events.month = clicks.month

),

final as (

    select
        partner_id,
        month,
        cast(clicks as bigint) as clicks,
        cast(visitors as bigint) as visitors,
        cast(customer_signups as bigint) as customer_signups,
        cast(partner_signups as bigint) as partner_signups,
        cast(first_charges as bigint) as first_charges,
        sales_usd,
        commission_usd,
        {{ money_per('commission_usd', 'clicks') }} as epc_usd
    from monthly

)

select * from final
