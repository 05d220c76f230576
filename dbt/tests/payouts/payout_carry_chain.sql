{#- The carry chain (SPEC §6), blocking: a partner's carried_in_usd is its carried_out_usd of
    the previous closed period (0 when it had no row there, which then carried out 0). -#}

with rows_in_order as (

    select
        payouts.partner_id,
        payouts.period,
        payouts.carried_in_usd,
        closed.seq,
        lag(closed.seq) over (partition by payouts.partner_id order by closed.seq) as previous_seq,
        lag(payouts.carried_out_usd) over (
            partition by payouts.partner_id order by closed.seq
        ) as previous_carried_out_usd
    from {{ ref('payouts') }} as payouts
    inner join {{ ref('int_closed_periods') }} as closed on payouts.period = closed.period

)

select *
from rows_in_order
where (previous_seq is null and carried_in_usd <> 0)
    or (previous_seq = seq - 1 and carried_in_usd <> previous_carried_out_usd)
    or (previous_seq < seq - 1 and (carried_in_usd <> 0 or previous_carried_out_usd <> 0))
