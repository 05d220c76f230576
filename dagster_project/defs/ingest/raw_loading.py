"""Verbatim loading of one log file into `raw.<feed>` (the E and L of ELT).

Each non-empty physical line becomes one row: log date, file name, 1-based line number, the
text, whether its bytes were valid UTF-8 and whether it was cut (core/log_lines.py reads the
file as a stream of line batches). Parsing and validation happen in dbt.

A file that cannot be read whole (corrupt, truncated or empty gzip, no
permission) raises RawFileError naming it, and nothing of it is loaded: the old rows are
deleted and the new ones inserted in one transaction, committed only after the last byte.
A run loads a feed's log dates in a few transactions of many files (`load_partitions`; two
workers, parallel_loading.py): one commit instead of one per file, and rows written straight
to the database file instead of through the write-ahead log (≈ 30 % of the load time). Small
files' lines go to DuckDB several files to a statement (line_writer.py).
Raw lines are stored zstd-compressed: as fast to write and to scan as DuckDB's default
string compression here, and half the size.

`raw._file_loads` records per feed and log date the file's version (core.fingerprints.FileVersion:
content hash and the stat it was hashed at), its row count and whether dbt has transformed the
log date since (`transformed`); a load transaction reads its feed's rows once and writes the
new ones in one statement before it commits. A transform claims the loads it builds
(`claim_loads`); publish marks exactly those transformed (`mark_claimed_transformed`), so a
load landing in between stays pending.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.core.feeds import FEEDS
from dagster_project.core.fingerprints import FileVersion, current_version
from dagster_project.core.log_files import RawFileError
from dagster_project.core.log_lines import LineBatch, read_log_file
from dagster_project.defs.ingest.line_writer import LineWriter
from dagster_project.defs.ingest.pending_work import EMPTY_STATE, LoadState, state_from_rows

__all__ = ["RawFileError", "LoadResult", "load_partition", "load_partitions", "ensure_raw_schema"]

RAW_COLUMNS = (
    "log_date DATE NOT NULL, file_name VARCHAR NOT NULL, line_number BIGINT NOT NULL, "
    "raw_line VARCHAR NOT NULL USING COMPRESSION zstd, is_valid_utf8 BOOLEAN NOT NULL,"
    " is_truncated BOOLEAN"
)
_FILE_LOAD_COLUMNS = (
    "feed, log_date, file_name, content_hash, size_bytes, mtime_ns, ctime_ns, inode,"
    " rows_loaded, transformed"
)


@dataclass(frozen=True)
class LoadResult:
    feed: str
    log_date: date
    file_name: str | None
    rows: int
    skipped: bool  # unchanged since the last load


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for feed in FEEDS:  # identifiers from a fixed list, never from data
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{feed} ({RAW_COLUMNS})")
        con.execute(f"ALTER TABLE raw.{feed} ADD COLUMN IF NOT EXISTS is_truncated BOOLEAN")
    con.execute(
        "CREATE TABLE IF NOT EXISTS raw._file_loads ("
        " feed VARCHAR NOT NULL, log_date DATE NOT NULL, file_name VARCHAR,"
        " size_bytes BIGINT, mtime_ns BIGINT, rows_loaded BIGINT NOT NULL,"
        " transformed BOOLEAN NOT NULL, PRIMARY KEY (feed, log_date))"
    )
    for column in ("content_hash VARCHAR", "ctime_ns BIGINT", "inode BIGINT"):
        con.execute(f"ALTER TABLE raw._file_loads ADD COLUMN IF NOT EXISTS {column}")
    con.execute(
        "CREATE TABLE IF NOT EXISTS raw._transform_claims ("
        " run_id VARCHAR NOT NULL, feed VARCHAR NOT NULL, log_date DATE NOT NULL,"
        " content_hash VARCHAR)"
    )


# --- loading a partition ------------------------------------------------------------------


@dataclass(frozen=True)
class _Recorded:
    version: FileVersion | None  # None: the log date had no file when it was last loaded
    rows: int
    transformed: bool


class _FeedRecords:
    """A feed's `raw._file_loads` rows within one load transaction: read once when it starts,
    the new ones written in one statement before it commits (per log date, a lookup and an
    upsert were two thirds of the time of loading a small file)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, feed: str) -> None:
        self._con, self._feed = con, feed
        rows = con.execute(
            "SELECT log_date, file_name, content_hash, size_bytes, mtime_ns, ctime_ns, inode,"
            " rows_loaded, transformed FROM raw._file_loads WHERE feed = ?",
            [feed],
        ).fetchall()
        self._recorded = {
            log_date: _Recorded(
                FileVersion(name, digest, size, mtime, ctime or 0, inode or 0) if name else None,
                rows,
                transformed,
            )
            for log_date, name, digest, size, mtime, ctime, inode, rows, transformed in rows
        }
        self._new: dict[date, _Recorded] = {}

    def get(self, log_date: date) -> _Recorded | None:
        return self._new.get(log_date) or self._recorded.get(log_date)

    def put(self, log_date: date, version: FileVersion | None, rows: int, done: bool) -> None:
        self._new[log_date] = _Recorded(version, rows, done)

    def write(self) -> None:
        if not self._new:
            return
        dates = list(self._new)
        records = [self._new[d] for d in dates]
        versions = [r.version for r in records]

        def field(name: str) -> list:
            return [getattr(v, name) if v else None for v in versions]

        self._con.execute(
            f"INSERT OR REPLACE INTO raw._file_loads ({_FILE_LOAD_COLUMNS})"
            " SELECT $feed, unnest($log_date::DATE[]), unnest($file_name::VARCHAR[]),"
            " unnest($content_hash::VARCHAR[]), unnest($size::BIGINT[]),"
            " unnest($mtime_ns::BIGINT[]), unnest($ctime_ns::BIGINT[]),"
            " unnest($inode::BIGINT[]), unnest($rows::BIGINT[]),"
            " unnest($transformed::BOOLEAN[])",
            {
                "feed": self._feed,
                "log_date": dates,
                "file_name": field("file_name"),
                "content_hash": field("content_hash"),
                "size": field("size"),
                "mtime_ns": field("mtime_ns"),
                "ctime_ns": field("ctime_ns"),
                "inode": field("inode"),
                "rows": [r.rows for r in records],
                "transformed": [r.transformed for r in records],
            },
        )
        self._new.clear()


def load_partitions(
    con: duckdb.DuckDBPyConnection,
    feed: str,
    files: Iterable[tuple[date, list[Path]]],
    *,
    force: bool = False,
) -> Iterator[LoadResult]:
    """load_partition for each (log date, its files), all in one transaction, committed when
    the last is loaded (so after the caller took the last result); nothing of them when one
    fails."""
    if feed not in FEEDS:
        raise ValueError(f"unknown feed {feed!r}")
    with _transaction(con):
        records = _FeedRecords(con, feed)
        writer = LineWriter(con, feed)
        for log_date, paths in files:
            yield _load(feed, log_date, paths, force, records, writer)
        writer.flush()
        records.write()


def load_partition(
    con: duckdb.DuckDBPyConnection,
    feed: str,
    log_date: date,
    paths: list[Path],
    *,
    force: bool = False,
) -> LoadResult:
    """Replace `raw.<feed>` rows of `log_date` with the lines of its file (if any), unless the
    file's content is the one loaded last (or `force`)."""
    (result,) = load_partitions(con, feed, [(log_date, paths)], force=force)
    return result


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _load(
    feed: str,
    log_date: date,
    paths: list[Path],
    force: bool,
    records: _FeedRecords,
    writer: LineWriter,
) -> LoadResult:
    if len(paths) > 1:
        names = " and ".join(p.name for p in paths)
        raise ValueError(f"{feed} has two files for log date {log_date}: {names}; keep one")
    path = paths[0] if paths else None
    recorded = records.get(log_date)
    previous = recorded.version if recorded else None
    if path is None:
        if recorded is None or previous is None and not force:
            return LoadResult(feed, log_date, None, 0, skipped=True)  # nothing now nor before
        return _replace(feed, log_date, None, records, writer)
    if not force and previous is not None and previous.content_hash:
        now = current_version(path, previous)  # hashes only when the stat changed
        if now.identity == previous.identity:
            if now != previous:  # same content, new stat (touched, copied): remember it
                records.put(log_date, now, recorded.rows, recorded.transformed)
            return LoadResult(feed, log_date, path.name, recorded.rows, skipped=True)
    return _replace(feed, log_date, path, records, writer)


def _replace(
    feed: str, log_date: date, path: Path | None, records: _FeedRecords, writer: LineWriter
) -> LoadResult:
    writer.replace(log_date)
    rows = 0

    def insert(batch: LineBatch) -> None:
        nonlocal rows
        rows += writer.add(log_date, path.name, batch)

    version = read_log_file(path, insert) if path else None
    records.put(log_date, version, rows, False)
    return LoadResult(feed, log_date, path.name if path else None, rows, skipped=False)


# --- the load state -----------------------------------------------------------------------


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse file (DuckDB's lock); the message says which."""


def connect_when_free(warehouse: Path, wait_seconds: float = 10.0) -> duckdb.DuckDBPyConnection:
    """A read-write connection; waits up to `wait_seconds` for another process to let go of
    the file (e.g. the dbt of a run killed a moment ago, dying), then WarehouseBusy."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(warehouse))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                first_line = str(exc).strip().splitlines()[0]
                raise WarehouseBusy(
                    f"{warehouse} is in use by another process ({first_line})"
                ) from None
            time.sleep(0.2)


def read_load_state(warehouse: Path) -> LoadState:
    """The loaders' bookkeeping, empty for a new warehouse. Opens the file read-write (the
    caller holds the run lock), so a write-ahead log left by a killed run is replayed."""
    if not warehouse.exists():
        return EMPTY_STATE
    with connect_when_free(warehouse) as con:
        ensure_raw_schema(con)
        return load_state(con)


def load_state(con: duckdb.DuckDBPyConnection) -> LoadState:
    rows = con.execute(
        "SELECT feed, strftime(log_date, '%Y-%m-%d'), file_name, content_hash, size_bytes,"
        " mtime_ns, ctime_ns, inode, transformed FROM raw._file_loads"
    ).fetchall()
    return state_from_rows(rows)


def pending_log_dates(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Log dates loaded (or reloaded) since dbt last transformed them."""
    rows = con.execute(
        "SELECT DISTINCT strftime(log_date, '%Y-%m-%d') FROM raw._file_loads"
        " WHERE NOT transformed ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def claim_loads(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Record the loads a transform run is about to build; return their log dates."""
    con.execute("DELETE FROM raw._transform_claims WHERE run_id <> ?", [run_id])
    con.execute(
        "INSERT INTO raw._transform_claims"
        " SELECT ?, feed, log_date, content_hash FROM raw._file_loads WHERE NOT transformed",
        [run_id],
    )
    rows = con.execute(
        "SELECT DISTINCT strftime(log_date, '%Y-%m-%d') FROM raw._transform_claims"
        " WHERE run_id = ? ORDER BY 1",
        [run_id],
    ).fetchall()
    return [r[0] for r in rows]


def mark_claimed_transformed(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Mark transformed the loads this run's dbt built: a load since then (another content)
    stays pending."""
    con.execute(
        "UPDATE raw._file_loads AS f SET transformed = true FROM raw._transform_claims AS c"
        " WHERE c.run_id = ? AND c.feed = f.feed AND c.log_date = f.log_date"
        " AND c.content_hash IS NOT DISTINCT FROM f.content_hash",
        [run_id],
    )
    con.execute("DELETE FROM raw._transform_claims WHERE run_id = ?", [run_id])
