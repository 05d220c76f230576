"""The one job: raw loads → dbt build (models, seeds, tests) → checks → publish."""

import dagster as dg

from .partitions import log_date_partitions

# A run covers one log date (the schedule), a range (the late-file sensor, the run command,
# backfills), and always the unpartitioned dbt models and the publishing downstream of them.
pipeline_job = dg.define_asset_job(
    "pipeline", selection=dg.AssetSelection.all(), partitions_def=log_date_partitions
)
