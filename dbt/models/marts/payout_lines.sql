-- SPEC §6: the payout lines of the closed periods, exactly as the ledger holds them.

with ledger as (

    select * from {{ ref('stg_ledger') }}

),

final as (

    select
        period,
        sale_id,
        cast(tier as integer) as tier,
        partner_id,
        cast(delta_usd as decimal(18, 2)) as delta_usd,
        kind,
        cast(paid_total_usd as decimal(18, 2)) as paid_total_usd,
        closed_at
    from ledger

)

select * from final
