{#- Every line of the payout ledger (ledger/YYYY-MM.jsonl, one file per closed period),
    parsed and checked like a feed line. The ledger is written by close-month only, so a
    rejected line means a file was damaged or edited by hand: audit.rejected_ledger_lines
    lists it and a blocking test stops the run (a skipped line would be paid again).
    A table (rebuilt each run: the ledger is small). -#}

{%- set money_fields = ['delta_usd', 'paid_total_usd', 'threshold_usd'] %}

with objects as (

    select
        period,
        file_name,
        line_number,
        raw_line,
        line_problem,
        case when line_problem is null then {{ partner_commissions.json_doc('raw_line') }} end as doc
    from (
        select
            period,
            file_name,
            line_number,
            raw_line,
            {{ partner_commissions.line_problem('raw_line', 'is_valid_utf8') }} as line_problem
        from {{ source('raw', 'ledger') }}
    ) as raw_lines

),

fields as (

    select
        period as file_period,
        file_name,
        line_number,
        raw_line,
        line_problem,
        {{ partner_commissions.json_fields('doc', [
            'period', 'sale_id', 'tier', 'partner_id', 'delta_usd', 'kind',
            'paid_total_usd', 'threshold_usd', 'closed_at'
        ]) }}
    from objects

),

parsed as (

    select
        *,
        {{ partner_commissions.timestamp_value('closed_at') }} as closed_at__value,
        {%- for field in money_fields %}
        {{ partner_commissions.parse_decimal(
            "case when " ~ field ~ "__type = 'string' then " ~ field ~ "__text end", 18, 2
        ) }} as {{ field }}__value,
        {%- endfor %}
        {{ partner_commissions.parse_iso_date(
            "case when period__type = 'string' then period__text || '-01' end"
        ) }} as period__value
    from fields

)

select
    period__value as period,
    {{ partner_commissions.string_value('sale_id') }} as sale_id,
    cast(case when tier__type = 'number' and tier__text in ('1', '2') then tier__text end as integer) as tier,
    {{ partner_commissions.string_value('partner_id') }} as partner_id,
    delta_usd__value as delta_usd,
    {{ partner_commissions.enum_value('kind', ['new', 'adjustment']) }} as kind,
    paid_total_usd__value as paid_total_usd,
    threshold_usd__value as threshold_usd,
    closed_at__value as closed_at,
    file_period,
    file_name,
    line_number,
    raw_line,
    case
        when line_problem is not null then line_problem

        {{ partner_commissions._rule_missing('period') }}
        when
            period__type <> 'string' or period__value is null
            or not {{ partner_commissions.regex_matches('period__text', '^[0-9]{4}-[0-9]{2}$') }}
            then 'period must be a YYYY-MM string'
        when period__value <> file_period
            then 'period does not match the file name'
        {{- partner_commissions.rule_string('sale_id', required=true) }}

        {{ partner_commissions._rule_missing('tier') }}
        when tier__type <> 'number' or tier__text not in ('1', '2')
            then 'tier must be 1 or 2'
        {{- partner_commissions.rule_string('partner_id', required=true) }}
        {%- for field in money_fields %}

            {{ partner_commissions._rule_missing(field) }}
            when {{ field }}__type <> 'string' or {{ field }}__value is null
                then '{{ field }} must be a decimal string with at most 2 decimal places'
        {%- endfor %}
        when delta_usd__value = 0
            then 'delta_usd must not be 0'
        {{- partner_commissions.rule_enum('kind', ['new', 'adjustment'], required=true) }}
        {{- partner_commissions.rule_timestamp('closed_at', required=true) }}
    end as rejection_reason
from parsed
