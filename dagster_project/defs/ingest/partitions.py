"""Log dates are the partitions: one per UTC day, from the first log date through today.

The first log date is $PARTNER_FIRST_LOG_DATE when set, else the earliest log date among the
data directory's files when the definitions load, else FALLBACK_FIRST_LOG_DATE (no files
yet). A file that later arrives for an older date has no partition until the definitions are
loaded again (the run command loads them on every run; the UI: reload the code location).
Today's partition exists too (`end_offset=1`), so a file for the current day can be loaded.
"""

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg

from dagster_project.core.paths import data_dir_from_env, raw_dir

FIRST_LOG_DATE_ENV = "PARTNER_FIRST_LOG_DATE"
FALLBACK_FIRST_LOG_DATE = "2020-01-01"

_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})\.jsonl(\.gz)?$")


def first_log_date(data_dir: Path) -> str:
    """Where the partitions start for `data_dir` (see the module docstring)."""
    configured = os.environ.get(FIRST_LOG_DATE_ENV)
    if configured:
        return date.fromisoformat(configured).isoformat()
    found = []
    root = raw_dir(data_dir)
    if root.is_dir():
        for feed_dir in root.iterdir():
            if feed_dir.is_dir():
                found.extend(m.group(1) for m in map(_DATED.match, os.listdir(feed_dir)) if m)
    valid = []
    for key in found:
        try:
            valid.append(date.fromisoformat(key))
        except ValueError:
            continue  # an invalid name: discover() reports it
    return min(valid).isoformat() if valid else FALLBACK_FIRST_LOG_DATE


FIRST_LOG_DATE = first_log_date(data_dir_from_env())

log_date_partitions = dg.DailyPartitionsDefinition(
    start_date=FIRST_LOG_DATE, end_offset=1, timezone="UTC"
)

# Every asset that writes warehouse.duckdb runs in this pool; its limit is 1 (dagster.yaml),
# because DuckDB allows one writer process and no other process may open the file meanwhile.
WAREHOUSE_POOL = "warehouse"


def out_of_range_log_dates(keys: list[str], today: date | None = None) -> list[str]:
    """Log dates that have no partition: before FIRST_LOG_DATE or after today (UTC)."""
    today = today or datetime.now(UTC).date()
    first = date.fromisoformat(FIRST_LOG_DATE)
    return [k for k in keys if not first <= date.fromisoformat(k) <= today]
