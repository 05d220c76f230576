"""Write a feed's files (one per log date) and find the log files a previous run left.

Plain ``.jsonl``, or ``.jsonl.gz`` on the days ``GZIP_DAYS`` picks (gzip mtime 0, so the bytes
depend only on the content).
"""

from __future__ import annotations

import gzip
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import duckdb

from .feeds import FEEDS
from .lines import file_lines_sql
from .params import FEED_NAMES, Params

# feed -> (every, remainder): the file of the day with index % every == remainder is gzipped.
GZIP_DAYS = {"clicks": (5, 4), "sales": (7, 3)}

# Stands for the Latin-1 byte 0xE9 in SQL text (see the clicks `invalid_utf8` malformation).
INVALID_UTF8_MARKER = b"@@E9@@"
_FILE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\.jsonl(\.gz)?$")


def existing_files(raw: Path) -> list[Path]:
    """The ``<YYYY-MM-DD>.jsonl[.gz]`` files of the five feeds under ``raw``."""
    return [
        f
        for feed in FEED_NAMES
        if (raw / feed).is_dir()
        for f in (raw / feed).iterdir()
        if _FILE_RE.match(f.name)
    ]


def write_feed(con: duckdb.DuckDBPyConnection, p: Params, feed: str, out: Path) -> dict:
    """One file per log date; lines in (ord, tb) order, newline-terminated.

    DuckDB aggregates a chunk of days while a worker thread encodes/gzips/writes the previous
    chunk (zlib and file I/O release the GIL).
    """
    out.mkdir(parents=True, exist_ok=True)
    start = date.fromisoformat(p.start_date)
    every, rem = GZIP_DAYS.get(feed, (0, 0))
    dates = [
        r[0]
        for r in con.execute(
            f"SELECT log_date FROM {feed}_ev UNION SELECT ld FROM {feed}_extra ORDER BY 1"
        ).fetchall()
    ]
    query = file_lines_sql(FEEDS[feed])

    def write(rows: list[tuple]) -> tuple[int, int, int]:
        files = n_lines = n_bytes = 0
        for log_date, count, text in rows:
            data = text.encode("utf-8") + b"\n"
            if INVALID_UTF8_MARKER in data:
                data = data.replace(INVALID_UTF8_MARKER, b"\xe9")
            name = log_date.isoformat() + ".jsonl"
            if every and log_date >= start and (log_date - start).days % every == rem:
                data = gzip.compress(data, compresslevel=6, mtime=0)
                name += ".gz"
            (out / name).write_bytes(data)
            files += 1
            n_lines += count
            n_bytes += len(data)
        return files, n_lines, n_bytes

    chunk = 8 if feed == "clicks" else 400
    totals = [0, 0, 0]
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = []
        for i in range(0, len(dates), chunk):
            lo, hi = dates[i], dates[min(i + chunk, len(dates)) - 1]
            rows = con.execute(query, [lo, hi]).fetchall()
            pending.append(pool.submit(write, rows))
            if len(pending) > 2:
                _add(totals, pending.pop(0).result())
        for fut in pending:
            _add(totals, fut.result())
    return dict(zip(("files", "lines", "bytes"), totals, strict=True))


def _add(totals: list[int], values: tuple[int, int, int]) -> None:
    for i, v in enumerate(values):
        totals[i] += v
