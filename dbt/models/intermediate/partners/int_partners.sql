-- SPEC §3 Partners: a partner exists from its (earliest) partner signup; its Partner ID is
-- the signup's account_id and its program is fixed by that signup.

with first_signups as (

    select * from {{ ref('int_first_signups') }}

),

partners as (

    select
        account_id as partner_id,
        signup_id,
        signed_up_at,
        coalesce(program, 'affiliate') as program,
        email_hash,
        visitor_id,
        ref_partner_id
    from first_signups
    where signup_kind = 'partner'

)

select * from partners
