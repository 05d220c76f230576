-- The raw loader's list of the files it loaded, one row per feed and log date (also a file
-- whose lines were all rejected or duplicates, or that was empty; file_name NULL when the log
-- date's file was removed since). The loader owns the table's shape; this model is the one
-- place the rest of the project reads it from.

with source as (

    select * from {{ source('raw', 'file_loads') }}

)

select
    feed,
    cast(log_date as date) as log_date,
    file_name,
    rows_loaded
from source
