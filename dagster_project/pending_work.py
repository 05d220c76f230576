"""Which log dates a run must process: files new, changed or gone since they were loaded, and
dates loaded but not yet transformed by dbt (a run that died between the two).

The run command asks this before starting Dagster, so a night with one new file runs one
partition, and a run with nothing new does nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .log_files import LogFile

# (feed, log date) -> (file name, size in bytes, mtime in ns)
Fingerprints = dict[tuple[str, str], tuple[str, int, int]]


@dataclass(frozen=True)
class LoadState:
    loaded: Fingerprints  # what the loaders last read (raw._file_loads)
    untransformed: frozenset[str]  # log dates loaded since dbt last transformed them


def file_fingerprints(files: list[LogFile]) -> Fingerprints:
    out: Fingerprints = {}
    for f in files:
        stat = f.path.stat()
        out[(f.feed, f.partition_key)] = (f.path.name, stat.st_size, stat.st_mtime_ns)
    return out


def read_load_state(warehouse: Path) -> LoadState:
    """The loaders' bookkeeping; empty for a new warehouse. Opens the file read-write (the
    caller holds the warehouse lock), so a write-ahead log left by a killed run is replayed."""
    if not warehouse.exists():
        return LoadState({}, frozenset())
    with duckdb.connect(str(warehouse)) as con:
        has_table = con.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'raw' and table_name = '_file_loads'"
        ).fetchone()[0]
        if not has_table:
            return LoadState({}, frozenset())
        rows = con.execute(
            "select feed, strftime(log_date, '%Y-%m-%d'), file_name, size_bytes, mtime_ns,"
            " transformed from raw._file_loads"
        ).fetchall()
    loaded = {(feed, day): (name, size, mtime) for feed, day, name, size, mtime, _ in rows if name}
    untransformed = frozenset(day for _, day, _, _, _, transformed in rows if not transformed)
    return LoadState(loaded, untransformed)


def log_dates_to_run(current: Fingerprints, state: LoadState) -> list[str]:
    """Sorted log dates whose files differ from what was loaded, or that await dbt."""
    keys = current.keys() | state.loaded.keys()
    changed = {
        day for feed, day in keys if current.get((feed, day)) != state.loaded.get((feed, day))
    }
    return sorted(changed | state.untransformed)
