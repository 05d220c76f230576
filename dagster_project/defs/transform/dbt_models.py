"""The dbt project as Dagster assets: staging → intermediate → marts (and audit, seeds).

dbt data tests become asset checks. One `dbt build` per run; the incremental models
reprocess only the log dates loaded since the last published run (`raw._file_loads.transformed`,
set by the published asset): a run that fails a check leaves its dates pending, and the next
run transforms and checks them again.
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path
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
from dagster_project.defs.ingest.partitions import WAREHOUSE_POOL
from dagster_project.defs.progress import progress, report
from dagster_project.defs.resources import DataDir, dbt_project, dbt_workdir
from dagster_project.defs.transform.dbt_vars import (
    FULL_REFRESH_VARS,
    dbt_process_env,
    dbt_vars_for_run,
    environment,
)
from dagster_project.engines import Engine


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
    warehouse_engine = engine.open(data_dir.root, warehouse)
    # The loads this run builds; publish marks exactly these transformed.
    work = warehouse_engine.claim_transform(context.run_id)
    if config.full_refresh:
        report(context, "[dbt] build --full-refresh: every model from all raw data")
        args = ["build", "--full-refresh"]
        vars_ = FULL_REFRESH_VARS
    else:
        mode = "rebuilt (a log date is reloaded)" if work.seen_before else "new events only"
        report(
            context, f"[dbt] build: {len(work.log_dates)} log date(s) to transform; dedup {mode}"
        )
        args = ["build"]
        vars_ = dbt_vars_for_run(work.log_dates, work.seen_before)
    # dbt's unit tests check the SQL's logic on fixtures, not the data: `make test` runs them
    # (tests/dbt/test_dbt_unit_tests.py); a production run builds and data-tests only.
    args += ["--exclude-resource-type", "unit_test", *warehouse_engine.dbt_args()]
    # No manifest.json / run_results.json: the run command parses the project, and writes the
    # manifest, before its runs when the project changed (cli/manifest.py), and Dagster records
    # each node's result and duration. Writing them cost 0.4 s of every build (the manifest
    # at start and again at the end).
    args += ["--no-write-json"]
    settings = dbt_process_env(
        warehouse=warehouse_path(data_dir.root),
        vars_=vars_,
        duckdb_env=dbt_environment(data_dir.root),
        engine_env=warehouse_engine.dbt_env(),
        python=sys.executable,
        parent_pid=os.getpid(),
        workdir=dbt_workdir(data_dir.root, dbt.dbt_executable),  # the dbt `cli` starts
    )
    # The project's own target directory: dbt re-parses only what changed since the manifest
    # the run command prepared there (partial parsing), instead of a fresh directory per run.
    # Absolute: dbt starts in the data directory (dbt_workdir), and dagster-dbt also gives
    # this path as dbt's log directory, which dbt takes relative to where it starts.
    target_dir = Path(dbt_project.project_dir) / dbt_project.target_path
    # dbt's file log (target/dbt.log) at info level: node starts, results and errors. At
    # debug level it also wrote every statement, ≈ 25 events a node, 0.2 s of a night's
    # build; each model's SQL is in target/run/ anyway. DBT_LOG_LEVEL_FILE=debug for more.
    settings["DBT_LOG_LEVEL_FILE"] = os.environ.get("DBT_LOG_LEVEL_FILE") or "info"
    with environment(settings):  # the dbt process starts inside `cli` with this environment
        invocation = dbt.cli(args, context=context, target_path=target_dir)
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
            progress(f"[dbt] {models}/{total} built: {name}")  # the event itself is in the log
        yield event
    report(
        context, f"[dbt] {models} models and seeds built, {checks} tests ({failed_checks} failed)"
    )
