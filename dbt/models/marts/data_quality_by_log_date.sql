-- Per log date and feed, the raw lines and where each went (staged, rejected, duplicate):
-- audit.line_reconciliation published for analysts and the report (the audit schema stays
-- in warehouse.duckdb).

with reconciliation as (

    select * from {{ ref('audit_line_reconciliation') }}

),

final as (

    select
        log_date,
        feed,
        raw_lines,
        staged,
        rejected,
        duplicates
    from reconciliation

)

select * from final
