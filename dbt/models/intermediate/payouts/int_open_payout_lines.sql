{#- SPEC §6: the payout lines closing the open period (int_payout_period) would write, now.
    The one definition both marts.payout_preview and close-month read, so the preview and
    the close cannot disagree.

    Per line key (sale_id, tier, partner_id): the line's current value (its commission_usd
    when payable_on is on or before the period's last day, else 0; 0 when the line is gone)
    minus what closed periods already paid for the key. Every non-zero difference is a line:
    `new` when the key was never paid before, else `adjustment`. paid_total_usd is the
    key's current value: what the closed periods will have paid in all once this one is. -#}

with period as (

    select
        period,
        period_end
    from {{ ref('int_payout_period') }}

),

current_values as (

    select
        lines.sale_id,
        cast(lines.tier as integer) as tier,
        lines.partner_id,
        sum(cast(lines.commission_usd as decimal(18, 2))) as value_usd
    from {{ ref('int_commission_lines') }} as lines
    cross join period
    where
        lines.payable_on <= period.period_end
        and lines.commission_usd is not null
    group by lines.sale_id, cast(lines.tier as integer), lines.partner_id

),

paid as (

    select
        ledger.sale_id,
        ledger.tier,
        ledger.partner_id,
        sum(ledger.delta_usd) as paid_usd
    from {{ ref('stg_ledger') }} as ledger
    cross join period
    where ledger.period < period.period
    group by ledger.sale_id, ledger.tier, ledger.partner_id

),

differences as (

    select
        coalesce(current_values.sale_id, paid.sale_id) as sale_id,
        coalesce(current_values.tier, paid.tier) as tier,
        coalesce(current_values.partner_id, paid.partner_id) as partner_id,
        coalesce(current_values.value_usd, 0) as value_usd,
        paid.paid_usd
    from current_values
    full outer join paid
        on
            current_values.sale_id = paid.sale_id
            and current_values.tier = paid.tier
            and current_values.partner_id = paid.partner_id

)

select
    period.period,
    differences.sale_id,
    differences.tier,
    differences.partner_id,
    cast(differences.value_usd - coalesce(differences.paid_usd, 0) as decimal(18, 2)) as delta_usd,
    cast(
        case when differences.paid_usd is null then 'new' else 'adjustment' end
        as {{ dbt.type_string() }}
    ) as kind,
    cast(differences.value_usd as decimal(18, 2)) as paid_total_usd
from differences
cross join period
where differences.value_usd - coalesce(differences.paid_usd, 0) <> 0
