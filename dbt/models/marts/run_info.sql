-- SPEC §4 run_info: one row saying what the published marts were computed for and from.
-- published_at is the build instant here; publishing sets it to the instant the file was
-- published (dagster_project/publish.py).

with as_of as (

    select * from {{ ref('int_as_of_date') }}

),

lines as (

    select
        sum(raw_lines) as raw_lines,
        sum(rejected) as rejected_lines,
        sum(duplicates) as duplicate_lines
    from {{ ref('audit_line_reconciliation') }}

),

sales as (

    select
        sum(case when held_reason like 'no FX rate%' then 1 else 0 end) as held_sales_without_fx_rate,
        sum(case when held_reason like 'USD value too large%' then 1 else 0 end) as sales_usd_too_large,
        sum(case when orphan_reason is not null then 1 else 0 end) as orphan_reversals
    from {{ ref('int_sales_usd') }}

),

final as (

    select
        as_of.as_of_date,
        cast(current_timestamp as {{ dbt.type_timestamp() }}) as published_at,
        as_of.first_log_date,
        as_of.as_of_date as last_log_date,
        cast(coalesce(lines.raw_lines, 0) as bigint) as raw_lines,
        cast(coalesce(lines.rejected_lines, 0) as bigint) as rejected_lines,
        cast(coalesce(lines.duplicate_lines, 0) as bigint) as duplicate_lines,
        cast(coalesce(sales.held_sales_without_fx_rate, 0) as bigint) as held_sales_without_fx_rate,
        cast(coalesce(sales.sales_usd_too_large, 0) as bigint) as sales_usd_too_large,
        cast(coalesce(sales.orphan_reversals, 0) as bigint) as orphan_reversals
    from as_of
    cross join lines
    cross join sales

)

select * from final
