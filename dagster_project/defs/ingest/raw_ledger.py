"""`raw/ledger`: the payout ledger's files loaded verbatim, every run (ledger_loading.py).

Unpartitioned and upstream of dbt (source `raw.ledger`), so the `transform` job loads it
before `dbt build` whichever way it is launched: the run command, the daemon's chain after
`load_logs`, the UI, and `close_month`.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.defs.ingest.partitions import WAREHOUSE_POOL
from dagster_project.defs.progress import report
from dagster_project.defs.resources import DataDir
from dagster_project.engines import Engine

RAW_LEDGER = dg.AssetKey(["raw", "ledger"])
RAW_LEDGER_FILES = dg.AssetKey(["raw", "ledger_files"])


@dg.multi_asset(
    name="raw_ledger",
    specs=[
        dg.AssetSpec(
            RAW_LEDGER,
            group_name="raw",
            kinds={"duckdb"},
            description=(
                "The payout ledger, verbatim: one row per line of ledger/YYYY-MM.jsonl (one "
                "file per closed period, written by close-month), reloaded whole by every run."
            ),
        ),
        dg.AssetSpec(
            RAW_LEDGER_FILES,
            group_name="raw",
            kinds={"duckdb"},
            description="One row per ledger file (closed period): line count and SHA-256.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_ledger(
    context: dg.AssetExecutionContext,
    data_dir: DataDir,
    warehouse: DuckDBResource,
    engine: Engine,
):
    files, lines = engine.open(data_dir.root, warehouse).load_ledger()
    report(context, f"[load ledger] {files} closed period(s), {lines:,} payout lines")
    yield dg.MaterializeResult(asset_key=RAW_LEDGER, metadata={"payout_lines": lines})
    yield dg.MaterializeResult(asset_key=RAW_LEDGER_FILES, metadata={"closed_periods": files})
