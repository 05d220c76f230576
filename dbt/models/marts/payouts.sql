-- SPEC §6: per partner and closed period, the carry chain in period order. A partner has a
-- row in every closed period from its first payout line on where it has a payout line or a
-- non-zero carried_in. payout = balance when balance >= that close's threshold, else 0; the
-- rest (also a negative balance) carries to the next closed period. The chain is sequential
-- (a payout resets it), hence a recursive CTE over the closed periods' sequence numbers.

with recursive closed as (

    select
        period,
        seq,
        threshold_usd
    from {{ ref('int_closed_periods') }}

),

nets as (

    select
        period,
        partner_id,
        sum(case when kind = 'new' then delta_usd else 0 end) as new_usd,
        sum(case when kind = 'adjustment' then delta_usd else 0 end) as adjustment_usd
    from {{ ref('stg_ledger') }}
    group by period, partner_id

),

first_periods as (

    select
        nets.partner_id,
        min(closed.seq) as first_seq
    from nets
    inner join closed on nets.period = closed.period
    group by nets.partner_id

),

grid as (

    select
        first_periods.partner_id,
        closed.seq,
        closed.period,
        closed.threshold_usd,
        cast(coalesce(nets.new_usd, 0) as decimal(18, 2)) as new_usd,
        cast(coalesce(nets.adjustment_usd, 0) as decimal(18, 2)) as adjustment_usd,
        nets.partner_id is not null as has_lines
    from first_periods
    inner join closed on first_periods.first_seq <= closed.seq
    left join nets
        on
            first_periods.partner_id = nets.partner_id
            and closed.period = nets.period

),

chain as (

    select
        grid.partner_id,
        grid.seq,
        grid.period,
        grid.has_lines,
        cast(0 as decimal(18, 2)) as carried_in_usd,
        grid.new_usd,
        grid.adjustment_usd,
        cast(grid.new_usd + grid.adjustment_usd as decimal(18, 2)) as balance_usd,
        cast(case
            when grid.new_usd + grid.adjustment_usd >= grid.threshold_usd
                then grid.new_usd + grid.adjustment_usd
            else 0
        end as decimal(18, 2)) as payout_usd,
        cast(case
            when grid.new_usd + grid.adjustment_usd >= grid.threshold_usd then 0
            else grid.new_usd + grid.adjustment_usd
        end as decimal(18, 2)) as carried_out_usd
    from grid
    inner join first_periods
        on
            grid.partner_id = first_periods.partner_id
            and grid.seq = first_periods.first_seq

    union all

    select
        grid.partner_id,
        grid.seq,
        grid.period,
        grid.has_lines,
        chain.carried_out_usd as carried_in_usd,
        grid.new_usd,
        grid.adjustment_usd,
        cast(chain.carried_out_usd + grid.new_usd + grid.adjustment_usd as decimal(18, 2))
            as balance_usd,
        cast(case
            when chain.carried_out_usd + grid.new_usd + grid.adjustment_usd >= grid.threshold_usd
                then chain.carried_out_usd + grid.new_usd + grid.adjustment_usd
            else 0
        end as decimal(18, 2)) as payout_usd,
        cast(case
            when chain.carried_out_usd + grid.new_usd + grid.adjustment_usd >= grid.threshold_usd
                then 0
            else chain.carried_out_usd + grid.new_usd + grid.adjustment_usd
        end as decimal(18, 2)) as carried_out_usd
    from chain
    inner join grid
        on
            chain.partner_id = grid.partner_id
            and grid.seq = chain.seq + 1

)

select
    period,
    partner_id,
    carried_in_usd,
    new_usd,
    adjustment_usd,
    balance_usd,
    payout_usd,
    carried_out_usd
from chain
where has_lines or carried_in_usd <> 0
