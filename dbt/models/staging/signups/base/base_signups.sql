{{ config(**partner_commissions.incremental_by_log_date_config()) }}

{#- Every raw line of the `signups` feed, parsed and checked against SPEC §2. Incremental by
    log date (var log_dates). rejection_reason is NULL for a valid line, else the first rule
    the line breaks; typed columns are best-effort on rejected lines. raw_line is kept for
    rejected lines only (audit.rejected_events); raw.signups keeps every line. -#}

with objects as (

    {{ partner_commissions.raw_json_lines('signups') }}

),

fields as (

    select
        log_date,
        file_name,
        line_number,
        raw_line,
        line_problem,
        {{ partner_commissions.json_fields('doc', [
            'signup_id',
            'ts',
            'kind',
            'account_id',
            'visitor_id',
            'ref_partner_id',
            'program',
            'email_hash'
        ]) }}
    from objects

),

parsed as (

    select
        *,
        {{ partner_commissions.timestamp_value('ts') }} as ts__value
    from fields

),

checked as (

    select
        *,
        case
            when line_problem is not null then line_problem
            {{- partner_commissions.rule_string('signup_id', required=true) }}
            {{- partner_commissions.rule_timestamp('ts', required=true) }}
            {{- partner_commissions.rule_enum('kind', ['customer', 'partner'], required=true) }}
            {{- partner_commissions.rule_string('account_id', required=true) }}
            {{- partner_commissions.rule_string('visitor_id', required=false) }}
            {{- partner_commissions.rule_string('ref_partner_id', required=false) }}
            {{- partner_commissions.rule_enum('program', ['affiliate', 'solution'], required=false) }}
            {{- partner_commissions.rule_string('email_hash', required=false) }}
        end as rejection_reason
    from parsed

)

select
    {{ partner_commissions.string_value('signup_id') }} as signup_id,
    ts__value as signed_up_at,
    {{ partner_commissions.enum_value('kind', ['customer', 'partner']) }} as signup_kind,
    {{ partner_commissions.string_value('account_id') }} as account_id,
    {{ partner_commissions.string_value('visitor_id') }} as visitor_id,
    {{ partner_commissions.string_value('ref_partner_id') }} as ref_partner_id,
    case
        -- SPEC §2: partners only; default affiliate
        when kind__type = 'string' and kind__text = 'partner'
            then coalesce({{ partner_commissions.enum_value('program', ['affiliate', 'solution']) }}, 'affiliate')
    end as program,
    {{ partner_commissions.string_value('email_hash') }} as email_hash,
    log_date,
    file_name,
    line_number,
    case when rejection_reason is not null then raw_line end as raw_line,
    rejection_reason
from checked
