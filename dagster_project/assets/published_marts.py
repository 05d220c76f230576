"""`marts.duckdb`: the marts, published for BI tools after a successful build."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.core.paths import published_marts_path

from ..checks.line_accounting import LINE_RECONCILIATION
from ..engines import Engine, spark_dirs
from ..load_state import mark_built
from ..partitions import WAREHOUSE_POOL
from ..payout_files import write_missing_payout_files
from ..progress import report
from ..publish import publish_marts
from ..resources import DataDir
from ..spark_publish import publish_spark_marts
from .dbt_models import dbt_models
from .payout_close import PAYOUT_CLOSE

MART_KEYS = [key for key in dbt_models.keys if key.path[0] == "marts"]
# Downstream of every mart and of the line reconciliation, so the blocking checks on them
# (dbt's tests and dagster_project/checks) must pass before the file is replaced.
UPSTREAM_KEYS = [*MART_KEYS, LINE_RECONCILIATION, PAYOUT_CLOSE]


@dg.asset(
    key=dg.AssetKey(["published", "marts_duckdb"]),
    group_name="published",
    deps=UPSTREAM_KEYS,
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description="The `marts` schema copied to `<data dir>/marts.duckdb`, replaced atomically.",
)
def published_marts(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBResource,
    data_dir: DataDir,
    engine: Engine,
) -> dg.MaterializeResult:
    target = published_marts_path(data_dir.root)
    if engine.is_spark:  # the Spark marts' parquet files, copied the same way
        dirs = spark_dirs(data_dir.root)
        counts = publish_spark_marts(dirs, target)
        mark_built(None, data_dir.root, engine, context.run_id)
    else:
        with warehouse.get_connection() as con:
            counts = publish_marts(con, target)
            # Only now are the loads dbt built done: built, checked and published. A load
            # since the dbt step started stays pending.
            mark_built(con, data_dir.root, engine, context.run_id)
    report(context, f"[publish] {target}: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    # A closed period's payouts CSV, from the file just published (payout_files.py).
    for path in write_missing_payout_files(data_dir.root, target):
        report(context, f"[publish] wrote {path}")
    return dg.MaterializeResult(
        metadata={"path": str(target), **{f"rows_{t}": n for t, n in counts.items()}}
    )
