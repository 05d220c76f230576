-- One row per customer account (earliest customer signup) with its referring partner.

with attributed_signups as (

    select * from {{ ref('int_signup_attribution') }}

),

customers as (

    select
        account_id as customer_id,
        signup_id,
        signed_up_at,
        referrer_partner_id as partner_id,
        attribution,
        click_id
    from attributed_signups
    where signup_kind = 'customer'

)

select * from customers
