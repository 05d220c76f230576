"""Every raw line accounted for: per feed, the lines the loader read = staged + rejected +
duplicates.

"Loaded" is the loader's own count (`raw._file_loads.rows_loaded`), not a count dbt makes,
so a log date loaded but never transformed, or a line lost between layers, shows up here.
"""

from dataclasses import dataclass

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from dagster_project.defs.ingest.partitions import WAREHOUSE_POOL
from dagster_project.defs.resources import DataDir
from dagster_project.engines import Engine

LINE_RECONCILIATION = dg.AssetKey(["audit", "line_reconciliation"])


@dataclass(frozen=True)
class FeedLines:
    feed: str
    loaded: int
    staged: int
    rejected: int
    duplicates: int

    @property
    def unaccounted(self) -> int:
        return self.loaded - self.staged - self.rejected - self.duplicates


def feed_line_accounts(con: duckdb.DuckDBPyConnection) -> list[FeedLines]:
    rows = con.execute(
        """
        with loaded as (
            select feed, sum(rows_loaded) as loaded from raw._file_loads group by feed
        ),
        accounted as (
            select feed, sum(staged) as staged, sum(rejected) as rejected,
                sum(duplicates) as duplicates
            from audit.line_reconciliation group by feed
        )
        select coalesce(l.feed, a.feed), coalesce(l.loaded, 0), coalesce(a.staged, 0),
            coalesce(a.rejected, 0), coalesce(a.duplicates, 0)
        from loaded l full join accounted a on l.feed = a.feed
        order by 1
        """
    ).fetchall()
    return [FeedLines(row[0], *(int(v) for v in row[1:])) for row in rows]


@dg.asset_check(
    asset=LINE_RECONCILIATION,
    name="raw_lines_accounted_for",
    blocking=True,
    pool=WAREHOUSE_POOL,
    description="Per feed: lines loaded = staged + rejected + duplicates (loader's own count).",
)
def raw_lines_accounted_for_check(
    warehouse: DuckDBResource, engine: Engine, data_dir: DataDir
) -> dg.AssetCheckResult:
    with engine.open(data_dir.root, warehouse).check_connection() as con:
        feeds = feed_line_accounts(con)
    wrong = [f for f in feeds if f.unaccounted != 0]
    metadata = {
        f"{f.feed}": f"{f.loaded:,} loaded = {f.staged:,} staged + {f.rejected:,} rejected + "
        f"{f.duplicates:,} duplicates"
        + (f" ({f.unaccounted:+,} unaccounted)" if f.unaccounted else "")
        for f in feeds
    }
    metadata["unaccounted_lines"] = sum(abs(f.unaccounted) for f in feeds)
    return dg.AssetCheckResult(
        passed=not wrong,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            "every raw line is staged, rejected or a duplicate"
            if not wrong
            else "lines unaccounted for in " + ", ".join(f.feed for f in wrong)
        ),
        metadata=metadata,
    )
