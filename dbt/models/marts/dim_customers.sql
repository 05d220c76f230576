-- One row per customer account that signed up (earliest customer signup), with the
-- partner it is attributed to. Customers seen only in sales are not listed here (their
-- sales are in fct_sales and earn nothing).

with customers as (

    select * from {{ ref('int_customers') }}

),

final as (

    select
        customer_id,
        signed_up_at,
        partner_id,
        attribution,
        click_id,
        signup_id
    from customers

)

select * from final
