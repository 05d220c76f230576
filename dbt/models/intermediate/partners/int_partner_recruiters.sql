-- SPEC §3: a partner signup's referring partner is its recruiter; it never changes (it is
-- derived from the earliest signup only). One row per partner.

with partners as (

    select * from {{ ref('int_partners') }}

),

attributed_signups as (

    select * from {{ ref('int_signup_attribution') }}
    where signup_kind = 'partner'

),

partner_recruiters as (

    select
        partners.partner_id,
        partners.signup_id,
        partners.signed_up_at,
        partners.program,
        attributed_signups.referrer_partner_id as recruiter_partner_id,
        attributed_signups.attribution as recruiter_attribution,
        attributed_signups.click_id as recruiter_click_id,
        recruiters.signup_id as recruiter_signup_id,
        recruiters.signed_up_at as recruiter_signed_up_at
    from partners
    inner join attributed_signups
        on partners.signup_id = attributed_signups.signup_id
    left join partners as recruiters
        on attributed_signups.referrer_partner_id = recruiters.partner_id

)

select * from partner_recruiters
