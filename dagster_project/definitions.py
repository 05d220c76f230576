"""The Dagster definitions: `dagster dev` (workspace.yaml) and the run command load these."""

import dagster as dg

from dagster_project.defs.automation.jobs import close_month_job, load_logs_job, transform_job
from dagster_project.defs.automation.schedules import nightly_schedule
from dagster_project.defs.automation.sensors import late_files_sensor
from dagster_project.defs.automation.transform_after_load import transform_after_load
from dagster_project.defs.checks import asset_checks
from dagster_project.defs.ingest.raw_feeds import raw_feed_assets
from dagster_project.defs.ingest.raw_ledger import raw_ledger
from dagster_project.defs.payouts.payout_close import payout_close
from dagster_project.defs.publish.published_marts import published_marts
from dagster_project.defs.resources import build_resources
from dagster_project.defs.transform.dbt_models import dbt_models

defs = dg.Definitions(
    assets=[*raw_feed_assets, raw_ledger, dbt_models, payout_close, published_marts],
    asset_checks=asset_checks,
    jobs=[load_logs_job, transform_job, close_month_job],
    schedules=[nightly_schedule],
    sensors=[late_files_sensor, transform_after_load],
    resources=build_resources(),
    # Every step writes the one DuckDB file (pool `warehouse`, limit 1), so a run's steps never
    # run side by side: a process per step (Dagster's default) would only add its start-up
    # (imports, definitions: seconds per step) to runs the daemon or the UI launches.
    executor=dg.in_process_executor,
)
