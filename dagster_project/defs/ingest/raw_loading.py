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
files' lines go to DuckDB several files to a statement (_LineWriter).
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


_INSERT_LINES = """
    INSERT INTO raw.{feed}
        (log_date, file_name, line_number, raw_line, is_valid_utf8, is_truncated)
    SELECT $log_date, $file_name, $first + position - 1, raw_line, {flags}
    FROM unnest(string_split(decode($utf8), chr(10))) WITH ORDINALITY AS lines(raw_line, position)
    WHERE raw_line <> ''
"""
_ORDINARY = "true, false"  # every line valid UTF-8 and whole: the usual batch
_FLAGGED = (
    "NOT list_contains($invalid::BIGINT[], position), list_contains($truncated::BIGINT[], position)"
)
# Small ordinary batches of several files in one statement: parallel lists, one element per
# batch, each batch's text split into its numbered lines.
_INSERT_SMALL_BATCHES = """
    INSERT INTO raw.{feed}
        (log_date, file_name, line_number, raw_line, is_valid_utf8, is_truncated)
    SELECT log_date, file_name, first_line + position - 1, raw_line, true, false
    FROM (
        SELECT
            log_date, file_name, first_line,
            unnest(lines) AS raw_line, unnest(range(1, len(lines) + 1)) AS position
        FROM (
            SELECT
                unnest($log_date::DATE[]) AS log_date,
                unnest($file_name::VARCHAR[]) AS file_name,
                unnest($first_line::BIGINT[]) AS first_line,
                string_split(decode(unnest($utf8::BLOB[])), chr(10)) AS lines
        )
    )
    WHERE raw_line <> ''
"""
_SMALL_BYTES = 1 << 20  # a smaller batch waits to be written with others
_FLUSH_BYTES = 8 << 20  # small batches' text held before they are written


def non_empty_lines(utf8: bytes) -> int:
    """How many rows a batch's text becomes: its lines that are not empty (as the inserts'
    `raw_line <> ''`; the text may end with a newline)."""
    if utf8.startswith(b"\n") or b"\n\n" in utf8:
        return sum(1 for line in utf8.split(b"\n") if line)
    return utf8.count(b"\n") + (0 if not utf8 or utf8.endswith(b"\n") else 1)


class _LineWriter:
    """Writes the lines of a load transaction's files. Each statement costs ≈ 1-2 ms whatever
    its size, and a year of the small feeds is ≈ 1,300 files of a few kB to 150 kB: one DELETE
    and one INSERT per file were most of their load time. So the small ordinary batches
    (every line valid UTF-8 and whole) of several files wait and go in one statement, after
    one DELETE per log date replaced. A big batch (a clicks file) goes in a statement of its
    own, as does one flagging a line not valid UTF-8 or cut: splitting one big text is
    quicker than splitting a list of them (60 bench clicks files 1.05-1.1 s against
    1.7-2.0 s). A waiting batch's rows are counted when it is read (non_empty_lines: in
    Python, under the GIL, so not for the big ones), and each write of them checks DuckDB
    inserted as many."""

    def __init__(self, con: duckdb.DuckDBPyConnection, feed: str) -> None:
        self._con, self._feed = con, feed  # `feed` is one of FEEDS, never data
        self._deletes: list[date] = []
        self._waiting: list[tuple[date, str, LineBatch]] = []
        self._size = self._rows = 0

    def replace(self, log_date: date) -> None:
        """The log date's rows loaded before go before the next lines are written."""
        if any(waiting_date == log_date for waiting_date, _, _ in self._waiting):
            self.flush()  # the same date twice in a transaction: the second file replaces
        self._deletes.append(log_date)

    def add(self, log_date: date, file_name: str, batch: LineBatch) -> int:
        """Write or hold the batch's lines; returns how many rows they are."""
        if len(batch.utf8) >= _SMALL_BYTES or batch.invalid or batch.truncated:
            self.flush()  # the deletes first
            return _insert_batch(self._con, self._feed, log_date, file_name, batch)
        rows = non_empty_lines(batch.utf8)
        self._waiting.append((log_date, file_name, batch))
        self._size += len(batch.utf8)
        self._rows += rows
        if self._size >= _FLUSH_BYTES:
            self.flush()
        return rows

    def flush(self) -> None:
        for log_date in self._deletes:
            self._con.execute(f"DELETE FROM raw.{self._feed} WHERE log_date = ?", [log_date])
        if self._waiting:
            waiting = self._waiting
            inserted = self._con.execute(
                _INSERT_SMALL_BATCHES.format(feed=self._feed),
                {
                    "log_date": [log_date for log_date, _, _ in waiting],
                    "file_name": [name for _, name, _ in waiting],
                    "first_line": [batch.first_line for _, _, batch in waiting],
                    "utf8": [batch.utf8 for _, _, batch in waiting],
                },
            ).fetchone()[0]
            _check(self._feed, inserted, self._rows)
        self._deletes, self._waiting = [], []
        self._size = self._rows = 0


def _check(feed: str, inserted: int, rows: int) -> None:
    if inserted != rows:
        raise RuntimeError(f"raw.{feed}: {inserted} rows inserted for {rows} non-empty lines read")


def _insert_batch(con, feed: str, log_date: date, file_name: str, batch: LineBatch) -> int:
    """Insert the batch's non-empty lines; returns how many."""
    params = {"log_date": log_date, "file_name": file_name, "first": batch.first_line}
    if batch.invalid or batch.truncated:
        flags = _FLAGGED
        params |= {"invalid": batch.invalid, "truncated": batch.truncated}
    else:
        flags = _ORDINARY
    # `feed` is one of FEEDS (checked by load_partitions), never data
    sql = _INSERT_LINES.format(feed=feed, flags=flags)
    return con.execute(sql, params | {"utf8": batch.utf8}).fetchone()[0]


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
        writer = _LineWriter(con, feed)
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
    writer: _LineWriter,
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
    feed: str, log_date: date, path: Path | None, records: _FeedRecords, writer: _LineWriter
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
