"""The definitions, loaded the way `dagster dev` loads them (workspace.yaml): the asset graph
from raw feeds through staging to the marts and publishing, the checks, the schedule, the
sensor, and the one-writer pool."""

import importlib
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import yaml

from tests.conftest import REPO_ROOT

MARTS = {
    "dim_partners", "dim_customers", "fct_sales", "fct_commissions",
    "second_tier_lifetime", "partner_monthly_statement",
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


def test_dagster_validates_the_workspace(dbt_manifest):
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
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
    assert published.parent_keys == {dg.AssetKey(["marts", m]) for m in MARTS} | {
        dg.AssetKey(["audit", "line_reconciliation"])
    }


def test_money_checks_block_and_freshness_warns(defs):
    graph = defs.resolve_asset_graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("marts/fct_commissions", "tier2_commission_reconciliation") in checks
    assert ("audit/line_reconciliation", "raw_lines_accounted_for") in checks
    assert ("published/marts_duckdb", "log_freshness") in checks
    # dbt's data tests are asset checks too, e.g. the primary key of every mart.
    assert ("marts/fct_sales", "unique_fct_sales_sale_id") in checks
    specs = {
        (spec.asset_key.to_user_string(), spec.name): spec
        for a in defs.asset_checks or []
        if isinstance(a, dg.AssetChecksDefinition)
        for spec in a.check_specs
    }
    assert specs[("marts/fct_commissions", "tier2_commission_reconciliation")].blocking
    assert specs[("audit/line_reconciliation", "raw_lines_accounted_for")].blocking


def test_nightly_schedule_runs_yesterday_at_0200_utc(defs):
    schedule = defs.resolve_schedule_def("nightly")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.job_name == "pipeline"
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 2, 2, 0, tzinfo=UTC),
        repository_def=defs.get_repository_def(),
    )
    [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-11-01"
    job = defs.resolve_job_def("pipeline")
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} >= {
        "raw/sales", "marts/fct_commissions", "published/marts_duckdb",
    }  # fmt: skip


def test_every_warehouse_writer_is_in_the_one_pool_limited_to_one(defs):
    from dagster_project.partitions import WAREHOUSE_POOL

    job = defs.resolve_job_def("pipeline")
    pools = {node.name: node.definition.pool for node in job.graph.node_dict.values()}
    assert pools and set(pools.values()) == {WAREHOUSE_POOL}, pools
    instance_config = yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text())
    assert instance_config["concurrency"]["pools"] == {"default_limit": 1, "granularity": "run"}
