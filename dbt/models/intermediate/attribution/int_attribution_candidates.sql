-- SPEC §3 Attribution — every candidate referrer of every (earliest) signup, before the
-- winner is chosen in int_signup_attribution:
--   rule 1 `parameter`: ref_partner_id names a partner who signed up at or before the signup;
--   rule 2 `cookie`: a click of the same visitor_id, at or before the signup and less than
--          `attribution_window_days` before it, whose partner existed at the click.
-- Each candidate carries is_self_referral (macro is_self_referral); such candidates are
-- skipped by the next model, which then falls through to the next candidate / rule.

with signups as (

    select * from {{ ref('int_first_signups') }}

),

partners as (

    select * from {{ ref('int_partners') }}

),

clicks as (

    select * from {{ ref('stg_clicks') }}

),

parameter_candidates as (

    select
        signups.signup_id,
        'parameter' as attribution,
        1 as rule_order,
        referrer.partner_id,
        referrer.email_hash as partner_email_hash,
        cast(null as {{ dbt.type_string() }}) as click_id,
        cast(null as {{ dbt.type_timestamp() }}) as clicked_at,
        {{ is_self_referral('referrer.partner_id', 'referrer.email_hash',
                            'signups.account_id', 'signups.email_hash') }} as is_self_referral
    from signups
    inner join partners as referrer
        on signups.ref_partner_id = referrer.partner_id
    where {{ referrer_precedes_signup('referrer', 'signups') }}

),

clicks_in_window as (

    select
        signups.signup_id,
        signups.account_id,
        signups.email_hash,
        signups.signed_up_at,
        signups.signup_kind,
        clicks.click_id,
        clicks.clicked_at,
        clicks.partner_id
    from signups
    inner join clicks
        on
            signups.visitor_id = clicks.visitor_id
            and signups.signed_up_at >= clicks.clicked_at
            and clicks.clicked_at > {{ partner_commissions.add_interval('day', -1 * var('attribution_window_days'), 'signups.signed_up_at') }}

),

cookie_candidates as (

    select
        clicks_in_window.signup_id,
        'cookie' as attribution,
        2 as rule_order,
        referrer.partner_id,
        referrer.email_hash as partner_email_hash,
        clicks_in_window.click_id,
        clicks_in_window.clicked_at,
        {{ is_self_referral('referrer.partner_id', 'referrer.email_hash',
                            'clicks_in_window.account_id', 'clicks_in_window.email_hash') }} as is_self_referral
    from clicks_in_window
    inner join partners as referrer
        on clicks_in_window.partner_id = referrer.partner_id
        -- the click's partner existed at the click
        and clicks_in_window.clicked_at >= referrer.signed_up_at
    where {{ referrer_precedes_signup('referrer', 'clicks_in_window') }}

),

candidates as (

    select * from parameter_candidates
    union all
    select * from cookie_candidates

)

select * from candidates
