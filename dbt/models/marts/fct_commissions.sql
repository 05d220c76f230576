{{ config(materialized=partner_commissions.projection_materialization()) }}

-- One row per commission line: sale × beneficiary (tier 1 and/or tier 2), signed.

with lines as (

    select * from {{ ref('int_commission_lines') }}

),

final as (

    select
        sale_id,
        sale_type,
        sold_at,
        customer_id,
        partner_id,
        cast(tier as integer) as tier,
        source_partner_id,
        cast(amount_usd as decimal(18, 2)) as amount_usd,
        cast(rate as decimal(9, 6)) as rate,
        cast(commission_usd as decimal(18, 2)) as commission_usd,
        payable_on,
        status,
        charge_sale_id
    from lines

)

select * from final
