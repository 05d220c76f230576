-- SPEC §3 Partners / Attribution: an account that signs up more than once counts from its
-- earliest signup (ties on the timestamp broken by signup_id). Customers and partners are
-- deduplicated separately: one row per (signup_kind, account_id).

with signups as (

    select * from {{ ref('stg_signups') }}

),

ranked_signups as (

    select
        *,
        row_number() over (
            partition by signup_kind, account_id
            order by signed_up_at, signup_id
        ) as signup_rank,
        count(*) over (partition by signup_kind, account_id) as signups_count
    from signups

),

earliest_signups as (

    select
        signup_id,
        signup_kind,
        account_id,
        signed_up_at,
        visitor_id,
        ref_partner_id,
        program,
        email_hash,
        signups_count
    from ranked_signups
    where signup_rank = 1

)

select * from earliest_signups
