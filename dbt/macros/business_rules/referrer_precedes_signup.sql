{#- SPEC §3 Attribution — a referrer must have signed up at or before the signup it refers.
    For a *partner* signup (recruitment) an exact tie on the timestamp is broken by signup_id
    (the lower signup_id counts as earlier), so "recruiter before recruit" is a strict total
    order and the referral tree can never contain a cycle, even for two partners signing up
    in the same instant and naming each other. Customer signups keep the plain "at or before".
    `referrer` and `signup` are relation aliases with signed_up_at / signup_id columns;
    `signup` also has signup_kind. -#}
{% macro referrer_precedes_signup(referrer, signup) -%}
    (
        {{ referrer }}.signed_up_at < {{ signup }}.signed_up_at
        or (
            {{ referrer }}.signed_up_at = {{ signup }}.signed_up_at
            and (
                {{ signup }}.signup_kind <> 'partner'
                or {{ referrer }}.signup_id < {{ signup }}.signup_id
            )
        )
    )
{%- endmacro %}
