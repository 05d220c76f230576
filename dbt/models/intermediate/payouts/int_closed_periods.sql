{#- The closed periods in order (seq 1, 2, ...) with the threshold each close used (stored in
    its ledger lines; the current var for a period closed without a line, which then has no
    payout to decide unless the threshold changed). -#}

with files as (

    select period from {{ ref('stg_ledger_files') }}

),

thresholds as (

    select
        period,
        max(threshold_usd) as threshold_usd
    from {{ ref('stg_ledger') }}
    group by period

)

select
    files.period,
    cast(row_number() over (order by files.period) as integer) as seq,
    cast(
        coalesce(thresholds.threshold_usd, {{ partner_commissions.payout_threshold_usd() }})
        as decimal(18, 2)
    ) as threshold_usd
from files
left join thresholds on files.period = thresholds.period
