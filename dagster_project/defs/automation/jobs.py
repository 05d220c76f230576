"""The two jobs: `load_logs` (raw loads, per log date) → `transform` (dbt build with its tests,
the project's checks, publishing; unpartitioned).

They are separate because Dagster keeps its bookkeeping per partition for every asset and
check of a partitioned run: one job over a range of log dates recorded, for each of the ~300
dbt tests, one "planned" event per date of the range, before any work. Only the raw loads are
per log date; the transform reads whatever was loaded and is one unit, so its job is
unpartitioned. The daemon chains them (transform_after_load.py: a `transform` run after every
successful `load_logs` run); the run command runs both in turn (cli/run.py).
"""

import dagster as dg

from dagster_project.core.paths import data_dir_from_env
from dagster_project.core.tags import DATA_DIR_TAG
from dagster_project.defs.ingest.raw_feeds import raw_feed_assets
from dagster_project.defs.payouts.keys import PAYOUT_CLOSE

RAW_ASSETS = dg.AssetSelection.assets(*raw_feed_assets)
# Every run, however launched (run command, schedule, sensor, UI), names its data directory:
# two data directories may share one Dagster instance, and each only settles its own runs.
JOB_TAGS = {DATA_DIR_TAG: str(data_dir_from_env())}
CLOSE_ASSET = dg.AssetSelection.assets(PAYOUT_CLOSE)

# Partitioned by log date like the raw assets (Dagster takes the partitions from them): a run
# covers one log date (the schedule) or a range (the late-file sensor, the run command,
# backfills).
load_logs_job = dg.define_asset_job(
    "load_logs",
    selection=RAW_ASSETS,
    tags=JOB_TAGS,
    description="Load the raw log files of a log date or a range of log dates.",
)

# Everything downstream of the raw loads: dbt's models, seeds and tests, the project's
# checks, and publishing marts.duckdb.
transform_job = dg.define_asset_job(
    "transform",
    selection=dg.AssetSelection.all() - RAW_ASSETS - CLOSE_ASSET,
    tags=JOB_TAGS,
    description="dbt build (models, seeds, tests), the money checks, then publish marts.duckdb.",
)

# SPEC §6: the transform, then closing a period (config: ops.payouts__close.config.month),
# then publishing. close_month.py; `python -m dagster_project close-month` runs it after
# loading the new log files.
close_month_job = dg.define_asset_job(
    "close_month",
    selection=dg.AssetSelection.all() - RAW_ASSETS,
    tags=JOB_TAGS,
    description="Close a period (config month: YYYY-MM): transform, write the ledger, publish.",
)
