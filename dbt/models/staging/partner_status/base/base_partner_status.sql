{{ config(**partner_commissions.incremental_by_log_date_config()) }}

{#- Every raw line of the `partner_status` feed, parsed and checked against SPEC §2. Incremental by
    log date (var log_dates). rejection_reason is NULL for a valid line, else the first rule
    the line breaks; typed columns are best-effort on rejected lines. raw_line is kept for
    rejected lines only (audit.rejected_events); raw.partner_status keeps every line. -#}

with objects as (

    {{ partner_commissions.raw_json_lines('partner_status') }}

),

fields as (

    select
        log_date,
        file_name,
        line_number,
        raw_line,
        line_problem,
        {{ partner_commissions.json_fields('doc', ['event_id', 'ts', 'partner_id', 'status']) }}
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
            {{- partner_commissions.rule_string('event_id', required=true) }}
            {{- partner_commissions.rule_timestamp('ts', required=true) }}
            {{- partner_commissions.rule_string('partner_id', required=true) }}
            {{- partner_commissions.rule_enum('status', ['active', 'suspended', 'terminated'], required=true) }}
        end as rejection_reason
    from parsed

)

select
    {{ partner_commissions.string_value('event_id') }} as event_id,
    ts__value as status_at,
    {{ partner_commissions.string_value('partner_id') }} as partner_id,
    {{ partner_commissions.enum_value('status', ['active', 'suspended', 'terminated']) }} as status,
    log_date,
    file_name,
    line_number,
    case when rejection_reason is not null then raw_line end as raw_line,
    rejection_reason
from checked
