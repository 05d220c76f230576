{#- The open period the payout lines are computed for (one row): the month close-month
    closes (PARTNER_DBT_PAYOUT_PERIOD), else the month after the last closed period, else
    (nothing closed yet) the latest month whose last day is on or before the as-of date.
    period_end: its last day; threshold_usd: the threshold a close would use now. -#}

{%- set override = partner_commissions.payout_period_override() %}

with last_closed as (

    select max(period) as period from {{ ref('int_closed_periods') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

chosen as (

    select
        {%- if override %}
        {{ override }} as period
        {%- else %}
            case
                when last_closed.period is not null
                    then {{ partner_commissions.add_months('last_closed.period', 1) }}
                else {{ partner_commissions.add_months(
                partner_commissions.month_start(
                    'cast(' ~ partner_commissions.add_interval('day', '1', 'as_of.as_of_date') ~ ' as date)'
                ), -1) }}
            end as period
        {%- endif %}
    from last_closed
    cross join as_of

)

select
    period,
    cast({{ partner_commissions.add_interval('day', '-1', partner_commissions.add_months('period', 1)) }} as date) as period_end,
    {{ partner_commissions.payout_threshold_usd() }} as threshold_usd
from chosen
