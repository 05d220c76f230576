"""The late-file sensor: any log date whose files are new, changed or gone since the
warehouse loaded them, or loaded but not yet transformed, gets a `load_logs` run; when that
run succeeds, `transform_after_load` launches the `transform` run (dbt, checks, publishing).

It decides from the same state as the run command and the nightly schedule
(pending_work.pending_log_dates: the files on disk against the load state), read from the
state's copy `<data dir>/.load_state.json`, since no other process may open the warehouse while
a run writes it. It keeps no cursor of its own: a failed run leaves its dates pending, and
the next tick asks again once the failure's cause changed (the run key: see
pending_request). It requests nothing while a run of this data directory is queued or in
progress. Files still being written (modified in the last
SETTLE_SECONDS) wait for the next tick; an mtime in the future does not count as "being
written".
"""

import hashlib
import json
import os
import time

import dagster as dg

from dagster_project.core.log_files import LogFile, LogFileError, RawFileError, discover
from dagster_project.core.tags import DATA_DIR_TAG, SENSOR_SOURCE, SOURCE_TAG, range_tags
from dagster_project.defs.automation.jobs import load_logs_job
from dagster_project.defs.ingest.partitions import out_of_range_log_dates
from dagster_project.defs.ingest.pending_work import (
    file_versions,
    log_dates_to_run,
    read_state_copy,
)
from dagster_project.defs.resources import DataDir

SETTLE_SECONDS = 60
# How often the daemon evaluates the sensor; $PARTNER_SENSOR_INTERVAL_SECONDS overrides it
# (read when the definitions load).
INTERVAL_ENV = "PARTNER_SENSOR_INTERVAL_SECONDS"
DEFAULT_INTERVAL_SECONDS = 300


def sensor_interval_seconds() -> int:
    return int(os.environ.get(INTERVAL_ENV) or DEFAULT_INTERVAL_SECONDS)


ACTIVE_STATUSES = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def settled(files: list[LogFile], now: float, settle_seconds: float = SETTLE_SECONDS) -> bool:
    """No file was modified in the last `settle_seconds` (a future mtime is not recent)."""
    return all(not 0 <= now - f.path.stat().st_mtime < settle_seconds for f in files)


def active_runs(instance: dg.DagsterInstance, data_dir: str) -> list[dg.DagsterRun]:
    return list(
        instance.get_runs(
            filters=dg.RunsFilter(statuses=ACTIVE_STATUSES, tags={DATA_DIR_TAG: data_dir}),
            limit=5,
        )
    )


def pending_request(data_dir: DataDir, source: str) -> dg.RunRequest | dg.SkipReason:
    """The `load_logs` run over the pending log dates, or why there is none."""
    try:
        files = discover(data_dir.root)
    except LogFileError as exc:
        return dg.SkipReason(f"raw/ needs attention: {exc}")
    if not settled(files, time.time()):
        return dg.SkipReason(f"files modified in the last {SETTLE_SECONDS}s; waiting")
    state = read_state_copy(data_dir.root)
    try:
        current = file_versions(files, state)
    except RawFileError as exc:
        return dg.SkipReason(f"raw/ needs attention: {exc}")
    pending = log_dates_to_run(current, state)
    outside = out_of_range_log_dates(pending)
    pending = [d for d in pending if d not in outside]
    if not pending:
        if outside:
            return dg.SkipReason(
                f"log dates without a partition (before the first log date or in the future;"
                f" reload the definitions for an earlier date): {outside}"
            )
        return dg.SkipReason("no new, changed or untransformed log files")
    # The run key: the pending dates, their files' contents and what was last transformed of
    # them. A failed run changes none of these (its partial loads are not transformed), so the
    # same failure is not requested again; fixing a file, or a transform, changes the key.
    wanted = set(pending)
    key_state = {
        "pending": pending,
        "files": {f"{f}/{d}": v.content_hash for (f, d), v in current.items() if d in wanted},
        "transformed": {
            f"{f}/{d}": v.content_hash
            for (f, d), v in state.loaded.items()
            if d in wanted and d not in state.untransformed
        },
    }
    run_key = hashlib.sha1(json.dumps(key_state, sort_keys=True).encode()).hexdigest()
    return dg.RunRequest(
        run_key=f"{source}-{run_key}",
        tags={**range_tags(pending[0], pending[-1]), SOURCE_TAG: source},
    )


@dg.sensor(
    job=load_logs_job,
    name="late_files",
    minimum_interval_seconds=sensor_interval_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads any log date whose files are new, changed or not yet transformed.",
)
def late_files_sensor(context: dg.SensorEvaluationContext, data_dir: DataDir):
    try:
        instance = context.instance
    except dg.DagsterInvariantViolationError:  # evaluated without an instance (tests)
        instance = None
    if instance is not None:
        busy = active_runs(instance, str(data_dir.root))
        if busy:
            return dg.SkipReason(f"run {busy[0].run_id} of this data directory is not done yet")
    return pending_request(data_dir, SENSOR_SOURCE)
