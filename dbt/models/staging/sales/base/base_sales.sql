{{ config(**partner_commissions.incremental_by_log_date_config()) }}

{#- Every raw line of the `sales` feed, parsed and checked against SPEC §2. Incremental by
    log date (var log_dates). rejection_reason is NULL for a valid line, else the first rule
    the line breaks; typed columns are best-effort on rejected lines. raw_line is kept for
    rejected lines only (audit.rejected_events); raw.sales keeps every line. -#}

with objects as (

    {{ partner_commissions.raw_json_lines('sales') }}

),

fields as (

    select
        log_date,
        file_name,
        line_number,
        raw_line,
        line_problem,
        {{ partner_commissions.json_fields('doc', [
            'sale_id',
            'ts',
            'customer_id',
            'type',
            'amount',
            'currency',
            'refers_to'
        ]) }}
    from objects

),

parsed as (

    select
        *,
        {{ partner_commissions.timestamp_value('ts') }} as ts__value,
        {{ partner_commissions.decimal_value('amount', 18, 4) }} as amount__value
    from fields

),

checked as (

    select
        *,
        case
            when line_problem is not null then line_problem
            {{- partner_commissions.rule_string('sale_id', required=true) }}
            {{- partner_commissions.rule_timestamp('ts', required=true) }}
            {{- partner_commissions.rule_string('customer_id', required=true) }}
            {{- partner_commissions.rule_enum('type', ['charge', 'refund', 'chargeback'], required=true) }}
            {{- partner_commissions.rule_positive_decimal('amount', 18, 4, required=true) }}
            {{- partner_commissions.rule_currency('currency', required=true) }}
            {{- partner_commissions.rule_string('refers_to', required=false) }}
        end as rejection_reason
    from parsed

)

select
    {{ partner_commissions.string_value('sale_id') }} as sale_id,
    ts__value as sold_at,
    {{ partner_commissions.string_value('customer_id') }} as customer_id,
    {{ partner_commissions.enum_value('type', ['charge', 'refund', 'chargeback']) }} as sale_type,
    amount__value as amount,
    {{ partner_commissions.currency_value('currency') }} as currency,
    {{ partner_commissions.string_value('refers_to') }} as refers_to,
    log_date,
    file_name,
    line_number,
    case when rejection_reason is not null then raw_line end as raw_line,
    rejection_reason
from checked
