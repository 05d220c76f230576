"""The dbt project as Dagster assets: staging → intermediate → marts (and audit, seeds).

dbt data tests become asset checks. One `dbt build` per run; the incremental models
reprocess only the log dates loaded since the last published run (`raw._file_loads.transformed`,
set by the published asset): a run that fails a check leaves its dates pending, and the next
run transforms and checks them again.
"""

import os
import sys
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from dagster_duckdb import DuckDBResource

from dagster_project.core.duckdb_settings import dbt_environment
from dagster_project.core.paths import warehouse_path

from .. import spark_loading
from ..dbt_vars import FULL_REFRESH_VARS, dbt_run_environment, dbt_vars_for_run
from ..dedup_state import log_dates_seen_by_deduplication
from ..engines import Engine, spark_dirs
from ..load_state import claim
from ..partitions import WAREHOUSE_POOL
from ..progress import report
from ..resources import DataDir, dbt_project


class DbtBuildConfig(dg.Config):
    # Rebuild every model from all raw data (dbt --full-refresh), e.g. after a rule change.
    full_refresh: bool = False


class Translator(DagsterDbtTranslator):
    """Models are keyed `<schema>/<name>` (e.g. `marts/fct_commissions`), grouped by folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["alias"] or dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"


translator = Translator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def dbt_models(
    context: dg.AssetExecutionContext,
    config: DbtBuildConfig,
    dbt: DbtCliResource,
    warehouse: DuckDBResource,
    data_dir: DataDir,
    engine: Engine,
):
    if engine.is_spark:  # bookkeeping in <spark dir>/file_loads.json; dbt's target `spark`
        spark_loading.stop_spark_session()  # the loader's; dbt starts its own Spark
        dirs = spark_dirs(data_dir.root)
        # The loads this run builds; publish marks exactly these transformed.
        pending = claim(None, data_dir.root, engine, context.run_id)
        seen_before = None  # Spark's deduplicated models are always tables
        os.environ.update(dirs.env())
    else:
        with warehouse.get_connection() as con:
            pending = claim(con, data_dir.root, engine, context.run_id)
            seen_before = log_dates_seen_by_deduplication(con, pending)
    # dbt runs as a subprocess; its profile reads the warehouse path from this variable.
    os.environ["WAREHOUSE_PATH"] = str(warehouse_path(data_dir.root))
    os.environ.update(dbt_environment(data_dir.root))  # memory_limit, spill directory
    # For bin/dbt: the venv's Python, and this process, whose death kills dbt.
    os.environ.update(PARTNER_PYTHON=sys.executable, PARTNER_DBT_PARENT_PID=str(os.getpid()))
    if config.full_refresh:
        report(context, "[dbt] build --full-refresh: every model from all raw data")
        args = ["build", "--full-refresh"]
        os.environ.update(dbt_run_environment(FULL_REFRESH_VARS))
    else:
        mode = "rebuilt (a log date is reloaded)" if seen_before else "new events only"
        report(context, f"[dbt] build: {len(pending)} log date(s) to transform; dedup {mode}")
        args = ["build"]
        os.environ.update(dbt_run_environment(dbt_vars_for_run(pending, seen_before)))
    # dbt's unit tests check the SQL's logic on fixtures, not the data: `make test` runs them
    # (tests/test_dbt_unit_tests.py); a production run builds and data-tests only.
    args += ["--exclude-resource-type", "unit_test"]
    if engine.is_spark:
        args += ["--target", engine.dbt_target]
    # The project's own target directory: dbt re-parses only what changed since the manifest
    # the run command prepared there (partial parsing), instead of a fresh directory per run.
    invocation = dbt.cli(args, context=context, target_path=dbt_project.target_path)
    total = len(context.selected_asset_keys)
    models = checks = failed_checks = 0
    for event in invocation.stream():
        if isinstance(event, dg.AssetCheckResult):
            checks += 1
            if not event.passed:
                failed_checks += 1
                report(context, f"[dbt] check failed: {event.check_name} on {event.asset_key}")
        elif isinstance(event, dg.Output | dg.AssetMaterialization):
            models += 1
            key = getattr(event, "asset_key", None)
            name = "/".join(key.path) if key else event.output_name.replace("__", "/")
            report(context, f"[dbt] {models}/{total} built: {name}")
        yield event
    report(
        context, f"[dbt] {models} models and seeds built, {checks} tests ({failed_checks} failed)"
    )
