"""The late-file sensor: a log file that appears or changes for any date, also one long
past, gets its log date reprocessed: loaded again by a `load_logs` run; when that run
succeeds, the `transform_after_load` sensor launches the `transform` run (dbt, checks,
publishing).

It reads only the file system, never the warehouse (DuckDB lets no other process open the
file while a run writes it). The cursor remembers a fingerprint (names, sizes, mtimes) per log
date; a tick requests one `load_logs` run over the range of dates whose fingerprint changed.
Dates in the range that did not change are skipped by the loaders (their files are unchanged),
so a range costs little more than its changed dates. Files still being written (modified in
the last SETTLE_SECONDS) wait for the next tick.
"""

import hashlib
import json
import time
from collections import defaultdict

import dagster as dg

from .jobs import load_logs_job
from .log_files import LogFile, LogFileError, discover
from .partitions import out_of_range_log_dates
from .resources import DataDir

SETTLE_SECONDS = 60
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def fingerprints_by_log_date(files: list[LogFile]) -> dict[str, str]:
    """Per log date, a short hash of its files' feed, name, size and mtime."""
    parts: dict[str, list[str]] = defaultdict(list)
    for f in files:
        stat = f.path.stat()
        parts[f.partition_key].append(f"{f.feed}/{f.path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return {
        key: hashlib.sha1("\n".join(sorted(v)).encode()).hexdigest()[:16]
        for key, v in sorted(parts.items())
    }


def changed_log_dates(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Dates whose files are new, changed, or gone since the previous fingerprints."""
    return sorted(k for k in previous.keys() | current.keys() if previous.get(k) != current.get(k))


def settled(files: list[LogFile], now: float, settle_seconds: float = SETTLE_SECONDS) -> bool:
    return all(now - f.path.stat().st_mtime >= settle_seconds for f in files)


@dg.sensor(
    job=load_logs_job,
    name="late_files",
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads again any log date whose files appeared or changed (late deliveries).",
)
def late_files_sensor(context: dg.SensorEvaluationContext, data_dir: DataDir):
    try:
        files = discover(data_dir.root)
    except LogFileError as exc:
        return dg.SkipReason(f"raw/ needs attention: {exc}")
    if not settled(files, time.time()):
        return dg.SkipReason(f"files modified in the last {SETTLE_SECONDS}s; waiting")
    previous = json.loads(context.cursor) if context.cursor else {}
    current = fingerprints_by_log_date(files)
    changed = changed_log_dates(previous, current)
    outside = out_of_range_log_dates(changed)
    if outside:
        return dg.SkipReason(f"log dates without a partition (before 2020 or future): {outside}")
    if not changed:
        return dg.SkipReason("no new or changed log files")
    run_key = hashlib.sha1(json.dumps({k: current.get(k) for k in changed}).encode()).hexdigest()
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=run_key,
                tags={
                    RANGE_START_TAG: changed[0],
                    RANGE_END_TAG: changed[-1],
                    "source": "late_files_sensor",
                },
            )
        ],
        cursor=json.dumps(current),
    )
