{{ config(alias="orphan_reversals") }}

-- SPEC §3 Eligibility: refunds / chargebacks whose refers_to is missing or names no known
-- charge earn nothing (until that charge arrives) and are reported here, with the reason.

with sales as (

    select * from {{ ref('int_sales_usd') }}

),

orphan_reversals as (

    select
        sale_id,
        sale_type,
        sold_at,
        customer_id,
        refers_to,
        currency,
        amount,
        orphan_reason as reason,
        log_date,
        file_name,
        line_number
    from sales
    where orphan_reason is not null

)

select * from orphan_reversals
