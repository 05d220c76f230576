-- SPEC §3 Attribution — the winner per (earliest) signup: the first candidate that is not a
-- self-referral, in rule order (parameter before cookie), then latest click first (ties on
-- clicked_at broken by the higher click_id). No candidate left → unattributed: referrer and
-- attribution NULL.

with signups as (

    select * from {{ ref('int_first_signups') }}

),

eligible_candidates as (

    select * from {{ ref('int_attribution_candidates') }}
    where not is_self_referral

),

ranked_candidates as (

    select
        *,
        row_number() over (
            partition by signup_id
            order by rule_order asc, clicked_at desc, click_id desc
        ) as candidate_rank
    from eligible_candidates

),

winners as (

    select * from ranked_candidates
    where candidate_rank = 1

),

attributed_signups as (

    select
        signups.signup_id,
        signups.signup_kind,
        signups.account_id,
        signups.signed_up_at,
        winners.partner_id as referrer_partner_id,
        winners.attribution,
        winners.click_id
    from signups
    left join winners
        on signups.signup_id = winners.signup_id

)

select * from attributed_signups
