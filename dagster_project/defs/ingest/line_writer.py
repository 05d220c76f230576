"""Writing a load transaction's lines into `raw.<feed>` (raw_loading.py reads the files and
keeps the records; this module puts their lines into DuckDB).

Each statement costs ≈ 1-2 ms whatever its size, and a year of the small feeds is ≈ 1,300
files of a few kB to 150 kB: one DELETE and one INSERT per file were most of their load
time. So the small ordinary batches (every line valid UTF-8 and whole) of several files wait
and go in one statement, after one DELETE per log date replaced. A big batch (a clicks file)
goes in a statement of its own, as does one flagging a line not valid UTF-8 or cut:
splitting one big text is quicker than splitting a list of them (60 bench clicks files
1.05-1.1 s against 1.7-2.0 s). A waiting batch's rows are counted when it is read
(non_empty_lines: in Python, under the GIL, so not for the big ones), and each write of them
checks DuckDB inserted as many.
"""

from __future__ import annotations

from datetime import date

import duckdb

from dagster_project.core.log_lines import LineBatch

__all__ = ["LineWriter", "non_empty_lines"]

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


class LineWriter:
    """Writes the lines of one load transaction's files (see the module's docstring): each
    file's log date first `replace`d, then each of its batches `add`ed; `flush` at the end
    of the transaction."""

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
    # `feed` is one of FEEDS (checked by raw_loading.load_partitions), never data
    sql = _INSERT_LINES.format(feed=feed, flags=flags)
    return con.execute(sql, params | {"utf8": batch.utf8}).fetchone()[0]
