{{ config(**partner_commissions.incremental_by_log_date_config()) }}

{#- Every raw line of the `fx_rates` feed, parsed and checked against SPEC §2. Incremental by
    log date (var log_dates). rejection_reason is NULL for a valid line, else the first rule
    the line breaks; typed columns are best-effort on rejected lines. raw_line is kept for
    rejected lines only (audit.rejected_events); raw.fx_rates keeps every line. -#}

with objects as (

    {{ partner_commissions.raw_json_lines('fx_rates') }}

),

fields as (

    select
        log_date,
        file_name,
        line_number,
        raw_line,
        line_problem,
        {{ partner_commissions.json_fields('doc', ['date', 'currency', 'usd_per_unit']) }}
    from objects

),

parsed as (

    select
        *,
        {{ partner_commissions.date_value('date') }} as date__value,
        {{ partner_commissions.decimal_value('usd_per_unit', 38, 28) }} as usd_per_unit__value
    from fields

),

checked as (

    select
        *,
        case
            when line_problem is not null then line_problem
            {{- partner_commissions.rule_date('date', required=true) }}
            {{- partner_commissions.rule_currency('currency', required=true) }}
            {{- partner_commissions.rule_positive_decimal('usd_per_unit', 38, 28, required=true) }}
        end as rejection_reason
    from parsed

)

select
    date__value as rate_date,
    {{ partner_commissions.currency_value('currency') }} as currency,
    usd_per_unit__value as usd_per_unit,
    log_date,
    file_name,
    line_number,
    case when rejection_reason is not null then raw_line end as raw_line,
    rejection_reason
from checked
