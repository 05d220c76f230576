{{ config(alias='ledger_reconciliation') }}

{#- Per ledger file: the lines the loader read = staged + rejected (tested). -#}

with staged as (

    select
        file_name,
        count(*) as staged
    from {{ ref('stg_ledger') }}
    group by file_name

),

rejected as (

    select
        file_name,
        count(*) as rejected
    from {{ ref('audit_rejected_ledger_lines') }}
    group by file_name

)

select
    files.period,
    files.file_name,
    cast(files.line_count as bigint) as raw_lines,
    cast(coalesce(staged.staged, 0) as bigint) as staged,
    cast(coalesce(rejected.rejected, 0) as bigint) as rejected
from {{ ref('stg_ledger_files') }} as files
left join staged on files.file_name = staged.file_name
left join rejected on files.file_name = rejected.file_name
