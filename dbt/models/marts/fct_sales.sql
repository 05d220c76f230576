{{ config(materialized=partner_commissions.projection_materialization()) }}

-- One row per sale (charge, refund, chargeback), whether or not it earns a commission.

with sales as (

    select * from {{ ref('int_sales_usd') }}

),

final as (

    select
        sale_id,
        sale_type,
        sold_at,
        customer_id,
        currency,
        cast(amount as decimal(18, 4)) as amount,
        cast(amount_usd as decimal(18, 2)) as amount_usd,
        cast(fx_rate as decimal(38, 28)) as fx_rate,
        fx_rate_date,
        refers_to,
        charge_sale_id,
        orphan_reason,
        held_reason
    from sales

)

select * from final
