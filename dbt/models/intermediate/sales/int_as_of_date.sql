-- SPEC §3 Holding — "now" (the as-of date): the latest log date with a delivered file of
-- any feed, whatever its lines held (all rejected, all duplicates, or none), read from the
-- loader's list of loaded files (stg_loaded_files), so a rerun on the same data gives the
-- same answer. Also the first log date delivered (run_info). One row.

with delivered_files as (

    select log_date
    from {{ ref('stg_loaded_files') }}
    where file_name is not null

),

as_of as (

    select
        cast(max(log_date) as date) as as_of_date,
        cast(min(log_date) as date) as first_log_date
    from delivered_files

)

select * from as_of
