"""Asset checks beyond dbt's tests, computed independently of the dbt models they guard.

Blocking checks guard money: when one fails, nothing downstream of its asset runs in that run,
so `marts.duckdb` is not replaced (the published asset depends on both guarded assets).
"""

from dagster_project.defs.checks.commission_reconciliation import commission_reconciliation_check
from dagster_project.defs.checks.line_accounting import raw_lines_accounted_for_check
from dagster_project.defs.checks.log_freshness import log_freshness_check

asset_checks = [
    raw_lines_accounted_for_check,
    commission_reconciliation_check,
    log_freshness_check,
]
