-- SPEC §6: what closing the next open period (int_payout_period) would give now, per
-- partner: the same columns as payouts, from the payout lines close-month would write
-- (int_open_payout_lines) and the carry out of the last closed period. Refreshed by every run.

with period as (

    select
        period,
        threshold_usd
    from {{ ref('int_payout_period') }}

),

last_closed as (

    select max(period) as period from {{ ref('int_closed_periods') }}

),

carried as (

    select
        payouts.partner_id,
        payouts.carried_out_usd
    from {{ ref('payouts') }} as payouts
    inner join last_closed on payouts.period = last_closed.period
    where payouts.carried_out_usd <> 0

),

nets as (

    select
        partner_id,
        sum(case when kind = 'new' then delta_usd else 0 end) as new_usd,
        sum(case when kind = 'adjustment' then delta_usd else 0 end) as adjustment_usd
    from {{ ref('int_open_payout_lines') }}
    group by partner_id

),

balances as (

    select
        coalesce(nets.partner_id, carried.partner_id) as partner_id,
        cast(coalesce(carried.carried_out_usd, 0) as decimal(18, 2)) as carried_in_usd,
        cast(coalesce(nets.new_usd, 0) as decimal(18, 2)) as new_usd,
        cast(coalesce(nets.adjustment_usd, 0) as decimal(18, 2)) as adjustment_usd
    from nets
    full outer join carried on nets.partner_id = carried.partner_id

),

final as (

    select
        period.period,
        balances.partner_id,
        balances.carried_in_usd,
        balances.new_usd,
        balances.adjustment_usd,
        cast(
            balances.carried_in_usd + balances.new_usd + balances.adjustment_usd
            as decimal(18, 2)
        ) as balance_usd,
        cast(case
            when
                balances.carried_in_usd + balances.new_usd + balances.adjustment_usd
                >= period.threshold_usd
                then balances.carried_in_usd + balances.new_usd + balances.adjustment_usd
            else 0
        end as decimal(18, 2)) as payout_usd,
        cast(case
            when
                balances.carried_in_usd + balances.new_usd + balances.adjustment_usd
                >= period.threshold_usd
                then 0
            else balances.carried_in_usd + balances.new_usd + balances.adjustment_usd
        end as decimal(18, 2)) as carried_out_usd
    from balances
    cross join period

)

select * from final
