{#- The valid payout lines of the closed periods (the ledger), one row per line. A key
    (period, sale_id, tier, partner_id) appears once per period (tested). -#}

select
    period,
    sale_id,
    tier,
    partner_id,
    cast(delta_usd as decimal(18, 2)) as delta_usd,
    kind,
    cast(paid_total_usd as decimal(18, 2)) as paid_total_usd,
    cast(threshold_usd as decimal(18, 2)) as threshold_usd,
    closed_at,
    file_name,
    line_number
from {{ ref('base_ledger') }}
where rejection_reason is null
