{#- SPEC §3 Attribution — self-referral.
    A referral candidate is discarded when it is the signing account itself, or when the
    candidate partner's email_hash equals the signer's email_hash (a NULL email_hash on
    either side never matches). The next candidate / rule is then tried. -#}
{% macro is_self_referral(candidate_partner_id, candidate_email_hash, signer_account_id, signer_email_hash) -%}
    (
        {{ candidate_partner_id }} = {{ signer_account_id }}
        or (
            {{ signer_email_hash }} is not null
            and {{ candidate_email_hash }} is not null
            and {{ candidate_email_hash }} = {{ signer_email_hash }}
        )
    )
{%- endmacro %}
