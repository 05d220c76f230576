-- SPEC §3 Partners — partner status as validity intervals [valid_from, valid_to).
-- Status at an instant t is the latest partner_status event with status_at <= t; with no
-- such event the partner is 'active' from its signup. Before its signup a partner does
-- not exist: intervals are clipped to start at signed_up_at, so a lookup before the signup
-- finds no row (= not active). valid_to is NULL for the current (open) interval.
-- Events at the same instant are ordered by event_id (the higher one wins).
-- Lookup:  valid_from <= t and (valid_to is null or t < valid_to).

with partners as (

    select
        partner_id,
        signed_up_at
    from {{ ref('int_partners') }}

),

status_events as (

    select events.*
    from {{ ref('stg_partner_status') }} as events
    inner join partners
        on events.partner_id = partners.partner_id

),

event_intervals as (

    select
        partner_id,
        status,
        status_at as valid_from,
        lead(status_at) over (
            partition by partner_id order by status_at, event_id
        ) as valid_to,
        event_id
    from status_events

),

first_events as (

    select
        partner_id,
        min(status_at) as first_status_at
    from status_events
    group by partner_id

),

signup_intervals as (

    -- 'active' from signup until the first event (if that event is later than the signup)
    select
        partners.partner_id,
        'active' as status,
        partners.signed_up_at as valid_from,
        first_events.first_status_at as valid_to,
        cast(null as {{ dbt.type_string() }}) as event_id
    from partners
    left join first_events
        on partners.partner_id = first_events.partner_id
    where
        first_events.first_status_at is null
        or first_events.first_status_at > partners.signed_up_at

),

all_intervals as (

    select * from event_intervals
    union all
    select * from signup_intervals

),

clipped_to_existence as (

    select
        all_intervals.partner_id,
        all_intervals.status,
        greatest(all_intervals.valid_from, partners.signed_up_at) as valid_from,
        all_intervals.valid_to,
        all_intervals.event_id
    from all_intervals
    inner join partners
        on all_intervals.partner_id = partners.partner_id

),

status_intervals as (

    select *
    from clipped_to_existence
    where valid_to is null or valid_to > valid_from

)

select * from status_intervals
