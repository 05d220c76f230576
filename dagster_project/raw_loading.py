"""Verbatim loading of one log file into `raw.<feed>` (the E and L of ELT).

Each non-empty physical line becomes one row: log date, file name, 1-based line number, the
text, whether its bytes were valid UTF-8 (invalid bytes are replaced by U+FFFD, the line is
kept and flagged) and whether it was cut: a line over MAX_LINE_BYTES keeps its first
MAX_LINE_BYTES (staging rejects it `line too long` without parsing it). Parsing and validation
happen in dbt.

The file is read as a stream (line_batches): memory stays bounded whatever the file's size or
its longest line. A file that cannot be read whole (corrupt, truncated or empty gzip, no
permission) raises RawFileError naming it, and nothing of it is loaded: the old rows are
deleted and the new ones inserted in one transaction, committed only after the last byte.

`raw._file_loads` records per feed and log date the file's version (pending_work.FileVersion:
content hash and the stat it was hashed at), its row count and whether dbt has transformed the
log date since (`transformed`). A transform claims the loads it builds (`claim_loads`); publish
marks exactly those transformed (`mark_claimed_transformed`), so a load landing in between
stays pending.
"""

from __future__ import annotations

import codecs
import gzip
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from .log_files import FEEDS
from .pending_work import (
    EMPTY_STATE,
    FileVersion,
    LoadState,
    RawFileError,
    current_version,
    new_hasher,
    stat_key,
    state_from_rows,
)

__all__ = ["RawFileError", "LoadResult", "load_partition", "ensure_raw_schema"]

MAX_LINE_BYTES = 1_048_576  # SPEC §2: a longer line is rejected, its first 1 MiB kept
_CHUNK = 4 << 20  # bytes read at a time
_BATCH = 16 << 20  # bytes of text handed to DuckDB at a time

RAW_COLUMNS = (
    "log_date DATE NOT NULL, file_name VARCHAR NOT NULL, line_number BIGINT NOT NULL, "
    "raw_line VARCHAR NOT NULL, is_valid_utf8 BOOLEAN NOT NULL, is_truncated BOOLEAN"
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


# --- reading a file as a stream of line batches -------------------------------------------


@dataclass
class LineBatch:
    first_line: int  # the physical line number of the batch's first line
    text: str  # the batch's lines joined by "\n" (a trailing CR not removed yet)
    invalid: list[int]  # 1-based positions within the batch of lines not valid UTF-8
    truncated: list[int]  # positions of lines cut to MAX_LINE_BYTES


class _HashingReader:
    """A binary file object that hashes the bytes read through it (the stored bytes)."""

    def __init__(self, fh, hasher):
        self._fh, self._hasher = fh, hasher

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._hasher.update(data)
        return data

    def readable(self) -> bool:
        return True


def _cut(line: bytes) -> bytes:
    """The first MAX_LINE_BYTES of a line, not ending inside a UTF-8 sequence."""
    end = MAX_LINE_BYTES
    while end > MAX_LINE_BYTES - 3 and (line[end] & 0xC0) == 0x80:
        end -= 1  # line[end] continues a character: cut before that character starts
    return line[:end]


def _physical_lines(stream) -> Iterator[tuple[bytes, bool]]:
    """(line bytes without the newline, cut?) per physical line; a line's bytes beyond
    MAX_LINE_BYTES + 1 are never held."""
    carry = bytearray()
    long_line = False
    keep = MAX_LINE_BYTES + 2  # enough to know a line is too long (after its CR is removed)
    while chunk := stream.read(_CHUNK):
        parts = chunk.split(b"\n")
        for i, part in enumerate(parts):
            if len(carry) < keep:
                carry += part[: keep - len(carry)]
            if len(carry) >= keep:
                long_line = True
            if i < len(parts) - 1:  # the part ends a line
                yield bytes(carry), long_line
                carry.clear()
                long_line = False
    if carry:
        yield bytes(carry), long_line


def line_batches(stream) -> Iterator[LineBatch]:
    """The stream's lines in batches of about _BATCH bytes."""
    lines: list[str] = []
    invalid: list[int] = []
    truncated: list[int] = []
    size = 0
    first = 1
    strict = codecs.getdecoder("utf-8")
    for number, (raw, long_line) in enumerate(_physical_lines(stream), start=1):
        if raw.endswith(b"\r") and not long_line:
            raw = raw[:-1]
        if long_line or len(raw) > MAX_LINE_BYTES:
            raw = _cut(raw)
            truncated.append(number - first + 1)
        try:
            text = strict(raw)[0]
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
            invalid.append(number - first + 1)
        lines.append(text)
        size += len(raw) + 1
        if size >= _BATCH:
            yield LineBatch(first, "\n".join(lines), invalid, truncated)
            first = number + 1
            lines, invalid, truncated, size = [], [], [], 0
    if lines:
        yield LineBatch(first, "\n".join(lines), invalid, truncated)


def _open_stream(path: Path, raw_fh):
    return gzip.GzipFile(fileobj=raw_fh, mode="rb") if path.name.endswith(".gz") else raw_fh


def _insert_batch(con, feed: str, log_date: date, file_name: str, batch: LineBatch) -> None:
    con.execute(
        f"""
        INSERT INTO raw.{feed}
            (log_date, file_name, line_number, raw_line, is_valid_utf8, is_truncated)
        SELECT $log_date, $file_name, $first + position - 1, raw_line,
               NOT list_contains($invalid::BIGINT[], position),
               list_contains($truncated::BIGINT[], position)
        FROM (
            SELECT unnest(lines) AS raw_line, generate_subscripts(lines, 1) AS position
            FROM (SELECT string_split($text, chr(10)) AS lines)
        )
        WHERE raw_line <> ''
        """,
        {
            "log_date": log_date,
            "file_name": file_name,
            "first": batch.first_line,
            "invalid": batch.invalid,
            "truncated": batch.truncated,
            "text": batch.text,
        },
    )


# --- loading a partition ------------------------------------------------------------------


def _recorded(con, feed: str, log_date: date) -> tuple[FileVersion | None, int] | None:
    row = con.execute(
        "SELECT file_name, content_hash, size_bytes, mtime_ns, ctime_ns, inode, rows_loaded"
        " FROM raw._file_loads WHERE feed = ? AND log_date = ?",
        [feed, log_date],
    ).fetchone()
    if row is None:
        return None
    name, digest, size, mtime, ctime, inode, rows = row
    version = FileVersion(name, digest, size, mtime, ctime or 0, inode or 0) if name else None
    return version, rows


def _record(con, feed: str, log_date: date, version: FileVersion | None, rows: int, done: bool):
    v = version
    con.execute(
        f"INSERT OR REPLACE INTO raw._file_loads ({_FILE_LOAD_COLUMNS})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            feed,
            log_date,
            v.file_name if v else None,
            v.content_hash if v else None,
            v.size if v else None,
            v.mtime_ns if v else None,
            v.ctime_ns if v else None,
            v.inode if v else None,
            rows,
            done,
        ],
    )


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
    if feed not in FEEDS:
        raise ValueError(f"unknown feed {feed!r}")
    if len(paths) > 1:
        names = " and ".join(p.name for p in paths)
        raise ValueError(f"{feed} has two files for log date {log_date}: {names}; keep one")
    path = paths[0] if paths else None
    recorded = _recorded(con, feed, log_date)
    previous, previous_rows = recorded if recorded else (None, 0)
    if path is None:
        if recorded is None or previous is None and not force:
            return LoadResult(feed, log_date, None, 0, skipped=True)  # nothing now nor before
        return _replace(con, feed, log_date, None, None)
    if not force and previous is not None and previous.content_hash:
        now = current_version(path, previous)  # hashes only when the stat changed
        if now.identity == previous.identity:
            if now != previous:  # same content, new stat (touched, copied): remember it
                done = con.execute(
                    "SELECT transformed FROM raw._file_loads WHERE feed = ? AND log_date = ?",
                    [feed, log_date],
                ).fetchone()[0]
                _record(con, feed, log_date, now, previous_rows, done)
            return LoadResult(feed, log_date, path.name, previous_rows, skipped=True)
    return _replace(con, feed, log_date, path, previous)


def _replace(con, feed: str, log_date: date, path: Path | None, previous) -> LoadResult:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM raw.{feed} WHERE log_date = ?", [log_date])
        version = _stream_into(con, feed, log_date, path) if path else None
        rows = con.execute(
            f"SELECT count(*) FROM raw.{feed} WHERE log_date = ?", [log_date]
        ).fetchone()[0]
        _record(con, feed, log_date, version, rows, False)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return LoadResult(feed, log_date, path.name if path else None, rows, skipped=False)


def _stream_into(con, feed: str, log_date: date, path: Path) -> FileVersion:
    size, mtime, ctime, inode = stat_key(path)  # before reading: a later write changes it
    if path.name.endswith(".gz") and size == 0:
        raise RawFileError(f"cannot read {path}: empty file (0 bytes), not a gzip file")
    hasher = new_hasher()
    try:
        with open(path, "rb") as raw_fh:
            stream = _open_stream(path, _HashingReader(raw_fh, hasher))
            for batch in line_batches(stream):
                _insert_batch(con, feed, log_date, path.name, batch)
    except (OSError, EOFError, zlib.error) as exc:  # truncated/corrupt gzip, no permission
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise RawFileError(f"cannot read {path}: {detail}") from None
    return FileVersion(path.name, hasher.hexdigest(), size, mtime, ctime, inode)


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
