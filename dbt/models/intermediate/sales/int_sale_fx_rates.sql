-- SPEC §3 Money — the FX rate of each sale as of its own UTC date: the latest rate of its
-- currency with rate_date on or before the sale date and at most `fx_max_age_days` older
-- (7: a rate dated sale_date − 7 still counts, − 8 does not). USD is always 1 (no row
-- needed; a USD row in the feed is ignored). No such rate → fx_rate NULL.
-- Reversals do not use this rate for money (they reuse their charge's; see int_sales_usd).
-- Kept up to date like stg_sales: a night prices again only the sales a new sale or a new
-- rate can change (macros/incremental/sales_to_revalue.sql).
{{ config(**partner_commissions.deduplicated_config(unique_key='sale_id')) }}

with sales as (

    select
        sale_id,
        currency,
        cast(sold_at as date) as sale_date
    from {{ ref('stg_sales') }}
    where {{ partner_commissions.names_a_repriced_sale(['sale_id'], ref('stg_sales'), ref('stg_fx_rates')) }}

),

fx_rates as (

    select * from {{ ref('stg_fx_rates') }}

),

rates_in_age_limit as (

    select
        sales.sale_id,
        fx_rates.rate_date,
        fx_rates.usd_per_unit,
        row_number() over (
            partition by sales.sale_id order by fx_rates.rate_date desc
        ) as recency_rank
    from sales
    inner join fx_rates
        on
            sales.currency = fx_rates.currency
            and sales.sale_date >= fx_rates.rate_date
            and fx_rates.rate_date >= cast({{ partner_commissions.add_interval('day', -1 * var('fx_max_age_days'), 'sales.sale_date') }} as date)
    where sales.currency <> 'USD'

),

latest_rates as (

    select * from rates_in_age_limit
    where recency_rank = 1

),

sale_fx_rates as (

    select
        sales.sale_id,
        sales.sale_date,
        case when sales.currency = 'USD' then sales.sale_date else latest_rates.rate_date end
            as fx_rate_date,
        cast(
            case when sales.currency = 'USD' then 1 else latest_rates.usd_per_unit end
            as decimal(38, 28)
        ) as fx_rate
    from sales
    left join latest_rates
        on sales.sale_id = latest_rates.sale_id

)

select * from sale_fx_rates
