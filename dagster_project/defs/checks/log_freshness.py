"""Freshness: the newest log date loaded is at most one day old (UTC). A warning, not a block:
stale data is still correct data, and the published marts say how far they reach."""

from datetime import UTC, date, datetime

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from dagster_project.defs.ingest.partitions import WAREHOUSE_POOL
from dagster_project.defs.resources import DataDir
from dagster_project.engines import Engine

PUBLISHED_MARTS = dg.AssetKey(["published", "marts_duckdb"])
MAX_AGE_DAYS = 1


def newest_log_date(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute(
        "select max(log_date) from raw._file_loads where file_name is not null and rows_loaded > 0"
    ).fetchone()
    return row[0] if row else None


def log_age_days(newest: date | None, today: date) -> int | None:
    return None if newest is None else (today - newest).days


@dg.asset_check(
    asset=PUBLISHED_MARTS,
    name="log_freshness",
    pool=WAREHOUSE_POOL,
    description=f"The newest log date is at most {MAX_AGE_DAYS} day old (UTC); warns otherwise.",
)
def log_freshness_check(
    warehouse: DuckDBResource, engine: Engine, data_dir: DataDir
) -> dg.AssetCheckResult:
    today = datetime.now(UTC).date()
    with engine.open(data_dir.root, warehouse).check_connection() as con:
        newest = newest_log_date(con)
    age = log_age_days(newest, today)
    return dg.AssetCheckResult(
        passed=age is not None and age <= MAX_AGE_DAYS,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            "no log loaded yet"
            if newest is None
            else f"newest log date {newest} is {age} day(s) old on {today}"
        ),
        metadata={"newest_log_date": str(newest), "age_days": age if age is not None else -1},
    )
