-- One row per partner: program, recruiter (and how it was attributed), position in the
-- referral tree, current status and simple counts.

with partners as (

    select * from {{ ref('int_partner_recruiters') }}

),

hierarchy as (

    select * from {{ ref('int_partner_hierarchy') }}

),

current_status as (

    -- the open interval = status after the latest event (else 'active' from signup)
    select
        partner_id,
        status
    from {{ ref('int_partner_status_intervals') }}
    where valid_to is null

),

customers as (

    select * from {{ ref('int_customers') }}

),

recruit_counts as (

    select
        recruiter_partner_id as partner_id,
        count(*) as direct_recruits
    from partners
    where recruiter_partner_id is not null
    group by recruiter_partner_id

),

customer_counts as (

    select
        partner_id,
        count(*) as referred_customers
    from customers
    where partner_id is not null
    group by partner_id

),

final as (

    select
        partners.partner_id,
        partners.program,
        partners.signed_up_at,
        partners.recruiter_partner_id,
        partners.recruiter_attribution,
        partners.recruiter_click_id,
        hierarchy.depth,
        hierarchy.root_partner_id,
        hierarchy.path,
        current_status.status as current_status,
        coalesce(recruit_counts.direct_recruits, 0) as direct_recruits,
        coalesce(customer_counts.referred_customers, 0) as referred_customers
    from partners
    left join hierarchy
        on partners.partner_id = hierarchy.partner_id
    left join current_status
        on partners.partner_id = current_status.partner_id
    left join recruit_counts
        on partners.partner_id = recruit_counts.partner_id
    left join customer_counts
        on partners.partner_id = customer_counts.partner_id

)

select * from final
