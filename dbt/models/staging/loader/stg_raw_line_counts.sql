-- Raw lines per feed and log date, counted in the raw tables themselves (stg_raw_lines, not
-- the base models), so audit.line_reconciliation sees a log date loaded but not parsed.

with raw_lines as (

    select * from {{ ref('stg_raw_lines') }}

)

select
    feed,
    log_date,
    count(*) as raw_lines
from raw_lines
group by feed, log_date
