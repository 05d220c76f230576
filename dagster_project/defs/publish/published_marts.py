"""`marts.duckdb`: the marts, published for BI tools after a successful build."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.core.paths import published_marts_path
from dagster_project.defs.checks.line_accounting import LINE_RECONCILIATION
from dagster_project.defs.ingest.partitions import WAREHOUSE_POOL
from dagster_project.defs.payouts.keys import PAYOUT_CLOSE
from dagster_project.defs.payouts.payout_files import write_missing_payout_files
from dagster_project.defs.progress import report
from dagster_project.defs.resources import DataDir
from dagster_project.defs.transform.dbt_models import dbt_models
from dagster_project.engines import Engine

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
    # Then the loads dbt built are done: built, checked and published (a load since the dbt
    # step started stays pending).
    counts = engine.open(data_dir.root, warehouse).publish(target, context.run_id)
    report(context, f"[publish] {target}: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    # A closed period's payouts CSV, from the file just published (payout_files.py).
    for path in write_missing_payout_files(data_dir.root, target):
        report(context, f"[publish] wrote {path}")
    return dg.MaterializeResult(
        metadata={"path": str(target), **{f"rows_{t}": n for t, n in counts.items()}}
    )
