-- SPEC §3 Holding — "now": the latest log date loaded, taken as the maximum log_date over
-- all five staged feeds (valid rows), so a rerun on the same data gives the same answer.
-- A delivered file whose lines were all rejected does not move "now". One row.

with log_dates as (

    select max(log_date) as log_date from {{ ref('stg_clicks') }}
    union all
    select max(log_date) from {{ ref('stg_signups') }}
    union all
    select max(log_date) from {{ ref('stg_sales') }}
    union all
    select max(log_date) from {{ ref('stg_partner_status') }}
    union all
    select max(log_date) from {{ ref('stg_fx_rates') }}

),

as_of as (

    select cast(max(log_date) as date) as as_of_date from log_dates

)

select * from as_of
