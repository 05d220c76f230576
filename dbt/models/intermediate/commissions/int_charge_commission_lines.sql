-- SPEC §3 Commission lines of charges — exactly two tiers:
--   tier 1: the customer's referring partner;
--   tier 2: the recruiter of that tier-1 partner (source_partner_id); nobody above.
-- Per-tier eligibility: a beneficiary earns only if *it* is 'active' at the sale instant
-- (int_partner_status_intervals); the tiers are judged independently.
-- Rate: the seed rate of the beneficiary's program for the line's tier, in force at the
-- sale instant. commission_usd = round(amount_usd × rate, 2), half away from zero.
-- Charges without USD value (no FX rate) or of unattributed / unknown customers earn nothing.

with charges as (

    select * from {{ ref('int_sales_usd') }}
    where
        sale_type = 'charge'
        and amount_usd is not null

),

customers as (

    select * from {{ ref('int_customers') }}
    where partner_id is not null

),

recruiters as (

    select * from {{ ref('int_partner_recruiters') }}

),

status_intervals as (

    select * from {{ ref('int_partner_status_intervals') }}

),

rates as (

    select * from {{ ref('int_commission_rates') }}

),

attributed_charges as (

    select
        charges.*,
        customers.partner_id as tier1_partner_id
    from charges
    inner join customers
        on charges.customer_id = customers.customer_id

),

tier1_beneficiaries as (

    select
        attributed_charges.*,
        1 as tier,
        attributed_charges.tier1_partner_id as partner_id
    from attributed_charges

),

tier2_beneficiaries as (

    select
        attributed_charges.*,
        2 as tier,
        recruiters.recruiter_partner_id as partner_id
    from attributed_charges
    inner join recruiters
        on attributed_charges.tier1_partner_id = recruiters.partner_id
    where recruiters.recruiter_partner_id is not null

),

beneficiaries as (

    select * from tier1_beneficiaries
    union all
    select * from tier2_beneficiaries

),

active_beneficiaries as (

    -- eligibility: the beneficiary's own status at the sale instant
    select beneficiaries.*
    from beneficiaries
    inner join status_intervals
        on
            beneficiaries.partner_id = status_intervals.partner_id
            and beneficiaries.sold_at >= status_intervals.valid_from
            and (status_intervals.valid_to is null or beneficiaries.sold_at < status_intervals.valid_to)
    where status_intervals.status = 'active'

),

with_rate as (

    select
        active_beneficiaries.*,
        rates.rate
    from active_beneficiaries
    -- the beneficiary's own program (int_partner_recruiters carries every partner's program)
    inner join recruiters as beneficiary
        on active_beneficiaries.partner_id = beneficiary.partner_id
    inner join rates
        on
            beneficiary.program = rates.program
            and active_beneficiaries.tier = rates.tier
            and active_beneficiaries.sold_at >= rates.valid_from
            and (rates.valid_to is null or active_beneficiaries.sold_at < rates.valid_to)

),

charge_lines as (

    select
        sale_id,
        sale_type,
        sold_at,
        sale_date,
        customer_id,
        sale_id as charge_sale_id,
        partner_id,
        tier,
        tier1_partner_id as source_partner_id,
        amount_usd,
        rate,
        {{ commission_amount('amount_usd', 'rate') }} as commission_usd
    from with_rate

)

select * from charge_lines
