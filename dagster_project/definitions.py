"""The Dagster definitions: `dagster dev` (workspace.yaml) and the run command load these."""

import dagster as dg

from .assets.dbt_models import dbt_models
from .assets.published_marts import published_marts
from .assets.raw_feeds import raw_feed_assets
from .checks import asset_checks
from .jobs import load_logs_job, transform_job
from .resources import build_resources
from .schedules import nightly_schedule
from .sensors import late_files_sensor
from .transform_after_load import transform_after_load

defs = dg.Definitions(
    assets=[*raw_feed_assets, dbt_models, published_marts],
    asset_checks=asset_checks,
    jobs=[load_logs_job, transform_job],
    schedules=[nightly_schedule],
    sensors=[late_files_sensor, transform_after_load],
    resources=build_resources(),
)
