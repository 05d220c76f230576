-- Configuration (seed commission_rates) as validity intervals per program and tier:
-- a rate applies from effective_from (00:00 UTC) until the next effective_from.
-- Lookup for a sale: valid_from <= sold_at and (valid_to is null or sold_at < valid_to).

with rates as (

    select * from {{ ref('commission_rates') }}

),

rate_intervals as (

    select
        program,
        cast(tier as integer) as tier,
        cast(rate as decimal(9, 6)) as rate,
        effective_from,
        cast(effective_from as {{ dbt.type_timestamp() }}) as valid_from,
        cast(
            lead(effective_from) over (partition by program, tier order by effective_from)
            as {{ dbt.type_timestamp() }}
        ) as valid_to
    from rates

)

select * from rate_intervals
