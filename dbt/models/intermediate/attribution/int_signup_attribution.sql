-- SPEC §3 Attribution — the winner per (earliest) signup: the first candidate that is not a
-- self-referral, in rule order (parameter before cookie). Rule 2 has ONE candidate, the
-- latest qualifying click (ties on clicked_at broken by the higher click_id), as in a browser
-- whose cookie the latest click replaced: when that click is a self-referral the signup is
-- unattributed; older clicks are not tried. No candidate left → unattributed: referrer and
-- attribution NULL.

with signups as (

    select * from {{ ref('int_first_signups') }}

),

candidates as (

    select
        *,
        row_number() over (
            partition by signup_id, rule_order
            order by clicked_at desc, click_id desc
        ) as rank_in_rule
    from {{ ref('int_attribution_candidates') }}

),

eligible_candidates as (

    -- rule 2 keeps only the latest click, self-referring or not; then self-referrals go
    select * from candidates
    where
        (rule_order <> 2 or rank_in_rule = 1)
        and not is_self_referral

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
