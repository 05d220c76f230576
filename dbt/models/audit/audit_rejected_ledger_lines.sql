{{ config(alias='rejected_ledger_lines') }}

{#- Ledger lines that break the ledger's format, verbatim, with the reason. Kept apart from
    audit.rejected_events (incremental by feed log date; the ledger is reloaded whole) and
    tested empty, blocking: a closed period must be read whole or the run stops. -#}

select
    cast('ledger' as {{ dbt.type_string() }}) as feed,
    file_period as period,
    file_name,
    line_number,
    raw_line,
    rejection_reason as reason
from {{ ref('base_ledger') }}
where rejection_reason is not null
