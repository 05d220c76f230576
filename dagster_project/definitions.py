"""The Dagster definitions: `dagster dev` (workspace.yaml) and the run command load these."""

import dagster as dg

from .assets.dbt_models import dbt_models
from .assets.published_marts import published_marts
from .assets.raw_feeds import raw_feed_assets
from .resources import build_resources

# Everything, raw loads through publishing: one run per log date (or range of log dates).
pipeline_job = dg.define_asset_job("pipeline", selection=dg.AssetSelection.all())

defs = dg.Definitions(
    assets=[*raw_feed_assets, dbt_models, published_marts],
    jobs=[pipeline_job],
    resources=build_resources(),
)
