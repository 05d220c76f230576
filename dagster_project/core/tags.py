"""The run tags every entry point writes and reads, defined once.

Dagster's own tags for a run over a range of partitions; the data directory a run works on
(two data directories may share one Dagster instance, and each settles only its own runs);
the source of a run (who launched it) and, for a `transform` run the daemon chained after a
load, the load run's id.
"""

from __future__ import annotations

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
DATA_DIR_TAG = "partner/data_dir"
SOURCE_TAG = "source"
LOAD_RUN_ID_TAG = "load_run_id"

# Values of SOURCE_TAG.
RUN_COMMAND_SOURCE = "run_command"
SENSOR_SOURCE = "late_files_sensor"
NIGHTLY_SOURCE = "nightly"


def range_tags(first: str, last: str) -> dict[str, str]:
    """The tags of a run over the log dates `first` .. `last` (partition keys)."""
    return {RANGE_START_TAG: first, RANGE_END_TAG: last}
