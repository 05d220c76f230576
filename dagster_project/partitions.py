"""Log dates are the partitions: one per UTC day, from FIRST_LOG_DATE through today.

Daily partitions let Dagster's own schedule pick "yesterday" at 02:00 UTC, and any file that
arrives late for an older date still has its partition (the late-file sensor requests it).
Today's partition exists too (`end_offset=1`), so a file for the current day can be loaded.
"""

from datetime import UTC, date, datetime

import dagster as dg

FIRST_LOG_DATE = "2020-01-01"

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
