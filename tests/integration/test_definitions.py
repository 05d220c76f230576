"""The definitions, loaded the way `dagster dev` loads them (workspace.yaml): the asset graph
from raw feeds through staging to the marts and publishing, the checks, the two jobs (the
partitioned raw loads, the unpartitioned transform), the schedule, the sensors that start and
chain them, and the one-writer pool."""

import importlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import yaml

from dagster_project.cli.instance import ensure_dagster_home
from tests.conftest import REPO_ROOT

MARTS = {
    "dim_partners", "dim_customers", "fct_sales", "fct_commissions",
    "second_tier_lifetime", "partner_monthly_statement", "partner_funnel_monthly", "run_info",
    "data_quality_by_log_date",
}  # fmt: skip


@pytest.fixture(scope="module")
def defs(dbt_manifest) -> dg.Definitions:
    """Import the module workspace.yaml names and take its Definitions."""
    workspace = yaml.safe_load((REPO_ROOT / "workspace.yaml").read_text())
    [location] = workspace["load_from"]
    module = importlib.import_module(location["python_module"]["module_name"])
    found = [v for v in vars(module).values() if isinstance(v, dg.Definitions)]
    assert len(found) == 1
    return found[0]


def test_dagster_validates_the_workspace(dbt_manifest, tmp_path):
    """As `make dev` runs Dagster's tools: DAGSTER_HOME set, holding the project's dagster.yaml."""
    dagster = Path(sys.executable).parent / "dagster"
    ensure_dagster_home(tmp_path / ".dagster")
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path / ".dagster")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation successful" in done.stdout + done.stderr


def test_asset_graph_from_raw_through_staging_to_published(defs):
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for feed in ("clicks", "signups", "sales", "partner_status", "fx_rates"):
        assert f"raw/{feed}" in keys
        base = graph.get(dg.AssetKey(["staging", f"base_{feed}"]))
        assert base.parent_keys == {dg.AssetKey(["raw", feed])}
        assert dg.AssetKey(["staging", f"stg_{feed}"]) in base.child_keys
        assert graph.get(dg.AssetKey(["raw", feed])).partitions_def is not None
    assert {f"marts/{m}" for m in MARTS} <= keys
    commissions = dg.AssetKey(["marts", "fct_commissions"])
    assert dg.AssetKey(["raw", "sales"]) in graph.upstream_key_iterator(commissions)
    published = graph.get(dg.AssetKey(["published", "marts_duckdb"]))
    payout_marts = ("payout_lines", "payouts", "payout_preview")
    assert published.parent_keys == {dg.AssetKey(["marts", m]) for m in MARTS} | {
        dg.AssetKey(["audit", "line_reconciliation"]),
        dg.AssetKey(["payouts", "close"]),
        *(dg.AssetKey(["marts", m]) for m in payout_marts),
    }
    ledger = graph.get(dg.AssetKey(["staging", "base_ledger"]))
    assert ledger.parent_keys == {dg.AssetKey(["raw", "ledger"])}
    assert graph.get(dg.AssetKey(["raw", "ledger"])).partitions_def is None


def test_money_checks_block_and_freshness_warns(defs):
    graph = defs.resolve_asset_graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("marts/fct_commissions", "tier2_commission_reconciliation") in checks
    assert ("audit/line_reconciliation", "raw_lines_accounted_for") in checks
    assert ("published/marts_duckdb", "log_freshness") in checks
    # dbt's data tests are asset checks too; a model's row rules are checked in its build
    # (test_row_rules_are_checked_in_the_models_build), not as checks of their own.
    assert (
        "marts/fct_commissions",
        "relationships_fct_commissions_sale_id__sale_id__ref_fct_sales_",
    ) in checks
    assert not {c for c in checks if c[1].startswith(("not_null_", "unique_fct_", "row_rules_"))}
    specs = {
        (spec.asset_key.to_user_string(), spec.name): spec
        for a in defs.asset_checks or []
        if isinstance(a, dg.AssetChecksDefinition)
        for spec in a.check_specs
    }
    assert specs[("marts/fct_commissions", "tier2_commission_reconciliation")].blocking
    assert specs[("audit/line_reconciliation", "raw_lines_accounted_for")].blocking


def test_row_rules_are_checked_in_the_models_build(defs, dbt_manifest):
    """A model's key, required columns and SQL rules are config.meta.row_rules, checked by the
    post-hook every model and seed runs inside its build (macros/validation/row_rules.sql):
    no dbt test, no asset check of their own, every rule still there."""
    manifest = json.loads(Path(dbt_manifest).read_text())
    nodes = {**manifest["nodes"]}
    built = [
        n
        for n in nodes.values()
        if n["resource_type"] in ("model", "seed") and n["config"]["materialized"] != "ephemeral"
    ]
    for node in built:
        hooks = [hook["sql"] for hook in node["config"]["post-hook"]]
        assert "{{ partner_commissions.check_row_rules() }}" in hooks, node["name"]
    # an ephemeral model is compiled into its reader and runs no hook: rules declared on it
    # would never be checked (its reader declares them)
    ephemeral = {
        n["name"]: n["config"]["meta"].get("row_rules")
        for n in nodes.values()
        if n["resource_type"] == "model" and n["config"]["materialized"] == "ephemeral"
    }
    assert ephemeral == {
        "int_charge_commission_lines": None,
        "int_reversal_commission_lines": None,
        "stg_raw_lines": None,
    }
    rules = {
        n["name"]: n["config"]["meta"]["row_rules"]
        for n in built
        if n["config"]["meta"].get("row_rules")
    }
    # every model and seed but the few without a rule to keep (views of one table, the
    # loader's file list, the raw lines)
    assert len(rules) == 47, sorted(n["name"] for n in built if n["name"] not in rules)
    # accepted values, not_null, keys and expressions are rules, not tests of their own
    kinds = {(node.get("test_metadata") or {}).get("name") for node in nodes.values()}
    assert not kinds & {
        "accepted_values",
        "not_null",
        "not_null_columns",
        "expressions_are_true",
        "row_rules",
    }
    commissions = rules["fct_commissions"]
    assert "tier in (1, 2)" in commissions["expressions"]
    assert "payable_on > cast(sold_at as date)" in commissions["expressions"]
    assert {"partner_id", "commission_usd", "status"} <= set(commissions["not_null"])
    assert commissions["unique_keys"] == [["sale_id", "partner_id"], ["sale_id", "tier"]]
    assert len(rules["partner_monthly_statement"]["expressions"]) == 5
    # the rules of the ephemeral charge and reversal lines, checked on the table they build
    lines = rules["int_commission_lines"]
    assert "(tier = 1) = (partner_id = source_partner_id)" in lines["expressions"]
    assert {"charge_sale_id", "rate", "commission_usd"} <= set(lines["not_null"])
    assert rules["base_clicks"]["reprocessed_log_dates_only"] is True
    assert rules["commission_rates"]["unique_keys"] == [["program", "tier", "effective_from"]]
    # the key tests that look at a night's rows only (stg_<feed>) and a key with a `where` of
    # its own stay tests; no model has its key both as a rule and as a test
    keyed = {
        nodes[node["attached_node"]]["name"]
        for node in nodes.values()
        if node.get("attached_node")
        and (node.get("test_metadata") or {}).get("name")
        in ("unique", "unique_combination_of_columns")
        and not node["config"]["where"]
    }
    assert not {m for m in keyed if rules.get(m, {}).get("unique_keys")}, keyed
    checks = {c.name for c in defs.resolve_asset_graph().asset_check_keys}
    assert not {c for c in checks if c.startswith("row_rules_")}


def test_nightly_schedule_loads_what_is_pending_at_0200_utc(defs, tmp_path):
    """Yesterday's file and one a failed night left pending: both, from the load state."""
    import os
    import time

    from dagster_project.defs.resources import DataDir

    schedule = defs.resolve_schedule_def("nightly")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.job_name == "load_logs"
    for day in ("2026-10-31", "2026-11-01"):
        path = tmp_path / "raw" / "sales" / f"{day}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}\n")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 2, 2, 0, tzinfo=UTC),
        resources={"data_dir": DataDir(path=str(tmp_path))},
    )
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.tags["dagster/asset_partition_range_start"] == "2026-10-31"
    assert request.tags["dagster/asset_partition_range_end"] == "2026-11-01"
    assert request.tags["source"] == "nightly"


def test_load_logs_is_the_partitioned_raw_loads_and_transform_the_rest(defs):
    from dagster_project.defs.ingest.partitions import log_date_partitions

    load = defs.resolve_job_def("load_logs")
    assert load.partitions_def == log_date_partitions
    assert {k.to_user_string() for k in load.asset_layer.executable_asset_keys} == {
        f"raw/{feed}" for feed in ("clicks", "signups", "sales", "partner_status", "fx_rates")
    }
    assert not load.asset_layer.asset_graph.asset_check_keys

    transform = defs.resolve_job_def("transform")
    assert transform.partitions_def is None  # dbt's tests: planned once, not once per date
    keys = {k.to_user_string() for k in transform.asset_layer.executable_asset_keys}
    assert {"marts/fct_commissions", "published/marts_duckdb", "audit/line_reconciliation"} <= keys
    # the ledger (unpartitioned) is loaded by every transform; closing is close_month's own
    assert {k for k in keys if k.startswith("raw/")} == {"raw/ledger", "raw/ledger_files"}
    assert "payouts/close" not in keys
    all_keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    # raw/file_loads: the loaders' bookkeeping, a dbt source (the as-of date), not executable
    assert (
        keys
        | {f"raw/{f}" for f in ("clicks", "signups", "sales", "partner_status", "fx_rates")}
        | {"raw/file_loads", "payouts/close"}
        == all_keys
    )
    checks = {
        (c.asset_key.to_user_string(), c.name)
        for c in transform.asset_layer.asset_graph.asset_check_keys
    }
    assert ("marts/fct_commissions", "tier2_commission_reconciliation") in checks
    assert ("published/marts_duckdb", "log_freshness") in checks
    assert (
        "marts/fct_commissions",
        "relationships_fct_commissions_sale_id__sale_id__ref_fct_sales_",
    ) in checks


def test_a_successful_load_run_launches_a_transform_run(defs):
    sensor = defs.resolve_sensor_def("transform_after_load")
    assert isinstance(sensor, dg.RunStatusSensorDefinition)
    assert sensor.job_name == "transform"
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    success = dg.DagsterEvent(
        event_type_value=dg.DagsterEventType.RUN_SUCCESS.value, job_name="load_logs"
    )
    with dg.instance_for_test() as instance:

        def evaluate(tags: dict[str, str]):
            """The sensor's answer to a successful load_logs run with these tags."""
            run = dg.DagsterRun(job_name="load_logs", status=dg.DagsterRunStatus.SUCCESS, tags=tags)
            instance.add_run(run)
            context = dg.build_run_status_sensor_context(
                sensor_name="transform_after_load",
                dagster_event=success,
                dagster_instance=instance,
                dagster_run=run,
                repository_def=defs.get_repository_def(),
            )
            return run, sensor(context)

        load_run, request = evaluate(
            {"source": "late_files_sensor", "dagster/asset_partition_range_start": "x"}
        )
        assert isinstance(request, dg.RunRequest)
        assert request.run_key == load_run.run_id
        assert request.tags == {"source": "late_files_sensor", "load_run_id": load_run.run_id}

        # The run command transforms in-process itself: its load runs are not chained.
        _, skipped = evaluate({"source": "run_command"})
        assert isinstance(skipped, dg.SkipReason)


def test_every_warehouse_writer_is_in_the_one_pool_limited_to_one(defs):
    from dagster_project.defs.ingest.partitions import WAREHOUSE_POOL

    for name in ("load_logs", "transform"):
        job = defs.resolve_job_def(name)
        pools = {node.name: node.definition.pool for node in job.graph.node_dict.values()}
        assert pools and set(pools.values()) == {WAREHOUSE_POOL}, (name, pools)
    instance_config = yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text())
    assert instance_config["concurrency"]["pools"] == {"default_limit": 1, "granularity": "run"}


def test_the_definitions_hold_both_jobs_and_both_sensors(defs):
    assert {j.name for j in defs.get_repository_def().get_all_jobs()} >= {"load_logs", "transform"}
    assert {s.name for s in defs.sensors or []} == {"late_files", "transform_after_load"}


def test_close_month_is_the_transform_plus_the_close_in_the_warehouse_pool(defs):
    transform = defs.resolve_job_def("transform")
    close = defs.resolve_job_def("close_month")
    keys = {k.to_user_string() for k in close.asset_layer.executable_asset_keys}
    transform_keys = {k.to_user_string() for k in transform.asset_layer.executable_asset_keys}
    assert keys == transform_keys | {"payouts/close"}
    node = defs.resolve_assets_def(["payouts", "close"]).node_def
    assert node.pool == "warehouse"
    assert node.config_schema.as_field().config_type.fields["month"] is not None
