"""The Dagster definitions: `dagster dev` (workspace.yaml) and the run command load these."""

import dagster as dg

from .assets.dbt_models import dbt_models
from .assets.payout_close import payout_close
from .assets.published_marts import published_marts
from .assets.raw_feeds import raw_feed_assets
from .assets.raw_ledger import raw_ledger
from .checks import asset_checks
from .jobs import close_month_job, load_logs_job, transform_job
from .resources import build_resources
from .schedules import nightly_schedule
from .sensors import late_files_sensor
from .transform_after_load import transform_after_load

defs = dg.Definitions(
    assets=[*raw_feed_assets, raw_ledger, dbt_models, payout_close, published_marts],
    asset_checks=asset_checks,
    jobs=[load_logs_job, transform_job, close_month_job],
    schedules=[nightly_schedule],
    sensors=[late_files_sensor, transform_after_load],
    resources=build_resources(),
)
