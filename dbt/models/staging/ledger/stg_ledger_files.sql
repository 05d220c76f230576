{#- The closed periods: one row per ledger file, also a period closed without a payout line. -#}

select
    period,
    file_name,
    line_count,
    sha256
from {{ source('raw', 'ledger_files') }}
