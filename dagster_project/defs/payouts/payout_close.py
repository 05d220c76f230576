"""`payouts/close`: closes a period (close_month.py), in the `close_month` job only.

Between dbt and publishing: it reads the payout lines dbt computed, writes the ledger file
and rebuilds the models downstream of the ledger, then `published/marts_duckdb` publishes
and writes the period's payouts CSV.
"""

import os
import sys

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.core.duckdb_settings import dbt_environment
from dagster_project.core.paths import warehouse_path
from dagster_project.defs.ingest.partitions import WAREHOUSE_POOL
from dagster_project.defs.payouts.close import CloseRefused, close_period
from dagster_project.defs.payouts.keys import PAYOUT_CLOSE
from dagster_project.defs.payouts.ledger import LedgerError, parse_month
from dagster_project.defs.progress import report
from dagster_project.defs.resources import DataDir, dbt_workdir, run_dbt_executable
from dagster_project.defs.transform.dbt_models import dbt_models
from dagster_project.defs.transform.dbt_vars import dbt_process_env
from dagster_project.engines import Engine


class CloseMonthConfig(dg.Config):
    month: str  # YYYY-MM, the period to close


@dg.asset(
    key=PAYOUT_CLOSE,
    group_name="payouts",
    deps=[key for key in dbt_models.keys if key.path[0] == "marts"],
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description=(
        "Closes a period: writes ledger/YYYY-MM.jsonl (its payout lines, atomically, once) and "
        "rebuilds the payout models. Refused when the month is closed, out of order or not over."
    ),
)
def payout_close(
    context: dg.AssetExecutionContext,
    config: CloseMonthConfig,
    data_dir: DataDir,
    warehouse: DuckDBResource,
    engine: Engine,
) -> dg.MaterializeResult:
    connect = engine.open(data_dir.root, warehouse).payout_connection()  # DuckDB only
    try:
        month = parse_month(config.month)
    except LedgerError as exc:
        raise CloseRefused(str(exc)) from None
    # only the models downstream of the ledger are built: no log date to reprocess
    dbt_env = dbt_process_env(
        warehouse=warehouse_path(data_dir.root),
        vars_={"log_dates": [], "rebuild_deduplication": False},
        duckdb_env=dbt_environment(data_dir.root),
        engine_env={},
        python=sys.executable,
        parent_pid=os.getpid(),
        workdir=dbt_workdir(data_dir.root, run_dbt_executable()),  # what close.py starts
    )
    result = close_period(data_dir.root, month, connect, dbt_env, lambda m: report(context, m))
    return dg.MaterializeResult(
        metadata={
            "period": config.month,
            "payout_lines": result.lines,
            "ledger_file": str(result.ledger_file),
        }
    )
