-- SPEC §3 Money — every sale with its signed USD value.
--   charge:     amount_usd =  round(amount × own fx_rate, 2)          (int_sale_fx_rates)
--   reversal:   amount_usd = −round(amount × the charge's fx_rate, 2)  (refund | chargeback)
-- A reversal is linked to the charge named by refers_to (charge_sale_id). It is an orphan —
-- no USD value, no commission, listed in audit.orphan_reversals — when refers_to is
-- missing, names no sale, names a sale that is not a charge, or names a charge in another
-- currency (its rate would not apply). Orphans earn as soon as their charge arrives: a night
-- values again the new and repriced sales and the reversals naming one (kept up to date like
-- stg_sales: macros/incremental/sales_to_revalue.sql). No FX rate → amount_usd NULL (no
-- commission), and held_reason says why; so does a USD value too large for DECIMAL(18, 2) (rejected, never a
-- failed run). to_usd (macros/business_rules/money.sql) is exact for every DECIMAL(38, 28) rate.
{{ config(**partner_commissions.deduplicated_config(unique_key='sale_id')) }}

with sales as (

    select * from {{ ref('stg_sales') }}

),

sales_to_value as (

    select * from sales
    where {{ partner_commissions.names_a_repriced_sale(['sale_id', 'refers_to'], ref('stg_sales'), ref('stg_fx_rates')) }}

),

sale_fx_rates as (

    select * from {{ ref('int_sale_fx_rates') }}

),

reversal_links as (

    select
        reversals.sale_id,
        case
            when reversals.refers_to is null then 'refers_to missing'
            when referred.sale_id is null then 'unknown charge'
            when referred.sale_type <> 'charge' then 'refers_to names a refund or chargeback'
            when referred.currency <> reversals.currency then 'currency differs from its charge'
        end as orphan_reason,
        referred.sale_id as referred_sale_id
    from sales_to_value as reversals
    left join sales as referred
        on reversals.refers_to = referred.sale_id
    where reversals.sale_type in ('refund', 'chargeback')

),

sales_linked as (

    select
        sales_to_value.*,
        case
            when sales_to_value.sale_type = 'charge' then sales_to_value.sale_id
            when reversal_links.orphan_reason is null then reversal_links.referred_sale_id
        end as charge_sale_id,
        reversal_links.orphan_reason
    from sales_to_value
    left join reversal_links
        on sales_to_value.sale_id = reversal_links.sale_id

),

sales_with_rate as (

    select
        sales_linked.*,
        cast(sales_linked.sold_at as date) as sale_date,
        charge_fx.fx_rate,
        charge_fx.fx_rate_date
    from sales_linked
    left join sale_fx_rates as charge_fx
        on sales_linked.charge_sale_id = charge_fx.sale_id

),

sales_valued as (

    select
        *,
        {{ to_usd('amount', 'fx_rate') }} as usd_value
    from sales_with_rate

),

sales_usd as (

    select
        sale_id,
        sale_type,
        sold_at,
        sale_date,
        customer_id,
        currency,
        amount,
        refers_to,
        charge_sale_id,
        orphan_reason,
        fx_rate,
        fx_rate_date,
        case when sale_type = 'charge' then usd_value else -usd_value end as amount_usd,
        case
            when orphan_reason is not null then null
            when fx_rate is null then 'no FX rate at most {{ var("fx_max_age_days") }} days old'
            when usd_value is null then 'USD value too large for DECIMAL(18, 2)'
        end as held_reason,
        log_date,
        file_name,
        line_number
    from sales_valued

)

select * from sales_usd
