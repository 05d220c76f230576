"""`raw/ledger`: the payout ledger's files loaded verbatim, every run (ledger_loading.py).

Unpartitioned and upstream of dbt (source `raw.ledger`), so the `transform` job loads it
before `dbt build` whichever way it is launched: the run command, the daemon's chain after
`load_logs`, the UI, and `close_month`.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from ..engines import Engine, spark_dirs
from ..ledger_loading import load_ledger, load_ledger_on_spark
from ..partitions import WAREHOUSE_POOL
from ..progress import report
from ..resources import DataDir

RAW_LEDGER = dg.AssetKey(["raw", "ledger"])


@dg.asset(
    key=RAW_LEDGER,
    group_name="raw",
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description=(
        "The payout ledger, verbatim: one row per line of ledger/YYYY-MM.jsonl (one file per "
        "closed period, written by close-month), reloaded whole by every run."
    ),
)
def raw_ledger(
    context: dg.AssetExecutionContext,
    data_dir: DataDir,
    warehouse: DuckDBResource,
    engine: Engine,
) -> dg.MaterializeResult:
    if engine.is_spark:
        files, lines = load_ledger_on_spark(spark_dirs(data_dir.root).raw, data_dir.root)
    else:
        with warehouse.get_connection() as con:
            files, lines = load_ledger(con, data_dir.root)
    report(context, f"[load ledger] {files} closed period(s), {lines:,} payout lines")
    return dg.MaterializeResult(metadata={"closed_periods": files, "payout_lines": lines})
