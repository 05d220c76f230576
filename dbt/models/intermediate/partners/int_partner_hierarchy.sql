-- The full referral tree (for analysis; commissions stop at tier 2): depth (root = 0),
-- root_partner_id (a root names itself) and path ('P1 > P7 > P9'). The recursion lives in
-- the adapter-dispatched macro partner_hierarchy (macros/business_rules/partner_hierarchy.sql).

with recruiters as (

    select
        partner_id,
        recruiter_partner_id
    from {{ ref('int_partner_recruiters') }}

),

tree as (

    {{ partner_hierarchy('recruiters') }}

)

select * from tree
