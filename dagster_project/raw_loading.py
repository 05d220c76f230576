"""Verbatim loading of one log file into `raw.<feed>` (the E and L of ELT).

Each non-empty physical line becomes one row: log date, file name, 1-based line number, the
text, and whether its bytes were valid UTF-8. Parsing and validation happen in dbt.

Loading a partition deletes that feed's rows for the log date and inserts the file's lines in
one transaction, so a reload replaces and nothing doubles. `raw._file_loads` remembers each
file's size and mtime (to skip unchanged files) and whether dbt has transformed that log date
since it was loaded (`transformed`): a run that dies between loading and dbt leaves the date
pending, and the next run transforms it.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from .log_files import FEEDS

RAW_COLUMNS = (
    "log_date DATE NOT NULL, file_name VARCHAR NOT NULL, line_number BIGINT NOT NULL, "
    "raw_line VARCHAR NOT NULL, is_valid_utf8 BOOLEAN NOT NULL"
)


class RawFileError(RuntimeError):
    """A log file that cannot be read at all; the message names it."""


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
    con.execute(
        "CREATE TABLE IF NOT EXISTS raw._file_loads ("
        " feed VARCHAR NOT NULL, log_date DATE NOT NULL, file_name VARCHAR,"
        " size_bytes BIGINT, mtime_ns BIGINT, rows_loaded BIGINT NOT NULL,"
        " transformed BOOLEAN NOT NULL, PRIMARY KEY (feed, log_date))"
    )


def read_lines(path: Path) -> tuple[str, list[int]]:
    """The file's text (decompressed) and the 1-based numbers of lines that are not UTF-8.

    Invalid bytes are replaced by U+FFFD so the line is still kept, flagged, and rejected by
    staging with a clear reason instead of failing the load.
    """
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = fh.read()
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    invalid: list[int] = []
    texts: list[str] = []
    for number, line in enumerate(lines, start=1):
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            invalid.append(number)
            texts.append(line.decode("utf-8", errors="replace"))
    return "\n".join(texts), invalid


def _fingerprint(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def load_partition(
    con: duckdb.DuckDBPyConnection,
    feed: str,
    log_date: date,
    paths: list[Path],
    *,
    force: bool = False,
) -> LoadResult:
    """Replace `raw.<feed>` rows of `log_date` with the lines of its file (if any)."""
    if feed not in FEEDS:
        raise ValueError(f"unknown feed {feed!r}")
    if len(paths) > 1:
        names = " and ".join(p.name for p in paths)
        raise ValueError(f"{feed} has two files for log date {log_date}: {names}; keep one")
    path = paths[0] if paths else None
    size, mtime = _fingerprint(path) if path else (None, None)
    file_name = path.name if path else None

    previous = con.execute(
        "SELECT file_name, size_bytes, mtime_ns, rows_loaded FROM raw._file_loads"
        " WHERE feed = ? AND log_date = ?",
        [feed, log_date],
    ).fetchone()
    if path is None and previous is None:
        return LoadResult(feed, log_date, None, 0, skipped=True)  # nothing now, nothing before
    if not force and previous is not None and previous[:3] == (file_name, size, mtime):
        return LoadResult(feed, log_date, file_name, previous[3], skipped=True)

    try:
        text, invalid = read_lines(path) if path else ("", [])
    except (OSError, EOFError, zlib.error) as exc:  # e.g. a truncated or corrupt .gz
        raise RawFileError(f"cannot read {path}: {exc}") from exc
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM raw.{feed} WHERE log_date = ?", [log_date])
        con.execute(
            f"""
            INSERT INTO raw.{feed}
            SELECT ?::DATE, ?, line_number, raw_line, NOT list_contains(?::BIGINT[], line_number)
            FROM (
                SELECT regexp_replace(unnest(lines), '\\r$', '') AS raw_line,
                       generate_subscripts(lines, 1) AS line_number
                FROM (SELECT string_split(?, chr(10)) AS lines)
            )
            WHERE raw_line <> ''
            """,
            [log_date, file_name or "", invalid, text],
        )
        rows = con.execute(
            f"SELECT count(*) FROM raw.{feed} WHERE log_date = ?", [log_date]
        ).fetchone()[0]
        con.execute(
            "INSERT OR REPLACE INTO raw._file_loads VALUES (?, ?, ?, ?, ?, ?, false)",
            [feed, log_date, file_name, size, mtime, rows],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return LoadResult(feed, log_date, file_name, rows, skipped=False)


def pending_log_dates(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Log dates loaded (or reloaded) since dbt last transformed them."""
    rows = con.execute(
        "SELECT DISTINCT strftime(log_date, '%Y-%m-%d') FROM raw._file_loads"
        " WHERE NOT transformed ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def mark_transformed(con: duckdb.DuckDBPyConnection, log_dates: list[str]) -> None:
    con.execute(
        "UPDATE raw._file_loads SET transformed = true WHERE list_contains(?::DATE[], log_date)",
        [log_dates],
    )
