{#- Closed periods follow each other month by month (close-month refuses a gap). -#}

with periods as (

    select
        period,
        lag(period) over (order by period) as previous_period
    from {{ ref('int_closed_periods') }}

)

select *
from periods
where previous_period is not null
    and period <> {{ partner_commissions.add_months('previous_period', 1) }}
