"""Verbatim loading of the payout ledger (`<data dir>/ledger/YYYY-MM.jsonl`) like a feed.

Every run reloads all ledger files (they are small and few): `raw.ledger` gets one row per
non-empty line (period from the file name, file name, 1-based line number, text, UTF-8
validity) and `raw.ledger_files` one row per file (period, file name, line count, SHA-256),
so a closed period without any payout line is still a closed period. dbt validates the
lines (staging/base_ledger.sql). On Spark the same rows are written as parquet
(engines/spark_ledger.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.core.fingerprints import content_sha256
from dagster_project.core.log_lines import read_lines
from dagster_project.defs.payouts.ledger import ledger_files

LEDGER_COLUMNS = (
    "period DATE NOT NULL, file_name VARCHAR NOT NULL, line_number BIGINT NOT NULL,"
    " raw_line VARCHAR NOT NULL, is_valid_utf8 BOOLEAN NOT NULL"
)
LEDGER_FILES_COLUMNS = (
    "period DATE NOT NULL, file_name VARCHAR NOT NULL, line_count BIGINT NOT NULL,"
    " sha256 VARCHAR NOT NULL"
)


@dataclass(frozen=True)
class LedgerFile:
    period: date
    file_name: str
    text: str
    invalid_lines: list[int]
    sha256: str

    def rows(self) -> list[tuple[int, str, bool]]:
        """(line_number, raw_line, is_valid_utf8) of each non-empty line (trailing CR cut)."""
        bad = set(self.invalid_lines)
        out = []
        for number, line in enumerate(self.text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if line:
                out.append((number, line, number not in bad))
        return out


def read_ledger(data_dir: Path) -> list[LedgerFile]:
    files = []
    for period, path in ledger_files(data_dir).items():
        text, invalid = read_lines(path)
        files.append(LedgerFile(period, path.name, text, invalid, content_sha256(path)))
    return files


def ledger_fingerprint(data_dir: Path) -> list[tuple[str, str]]:
    """(file name, SHA-256) of every ledger file, sorted."""
    return [(f.file_name, f.sha256) for f in read_ledger(data_dir)]


def loaded_ledger_fingerprint(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]] | None:
    """What raw.ledger_files holds, or None when the table does not exist yet."""
    exists = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'raw' and table_name = 'ledger_files'"
    ).fetchone()[0]
    if not exists:
        return None
    rows = con.execute("select file_name, sha256 from raw.ledger_files order by 1").fetchall()
    return [(r[0], r[1]) for r in rows]


def ensure_ledger_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(f"CREATE TABLE IF NOT EXISTS raw.ledger ({LEDGER_COLUMNS})")
    con.execute(f"CREATE TABLE IF NOT EXISTS raw.ledger_files ({LEDGER_FILES_COLUMNS})")


def load_ledger(con: duckdb.DuckDBPyConnection, data_dir: Path) -> tuple[int, int]:
    """Replace raw.ledger and raw.ledger_files with every ledger file's lines, in one
    transaction. Returns (files, lines)."""
    files = read_ledger(data_dir)
    ensure_ledger_schema(con)
    lines = 0
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM raw.ledger")
        con.execute("DELETE FROM raw.ledger_files")
        for f in files:
            rows = f.rows()
            lines += len(rows)
            if rows:
                con.execute(
                    "INSERT INTO raw.ledger SELECT ?::DATE, ?, unnest(?::BIGINT[]),"
                    " unnest(?::VARCHAR[]), unnest(?::BOOLEAN[])",
                    [f.period, f.file_name, *(list(col) for col in zip(*rows, strict=True))],
                )
            con.execute(
                "INSERT INTO raw.ledger_files VALUES (?, ?, ?, ?)",
                [f.period, f.file_name, len(rows), f.sha256],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(files), lines


def ledger_needs_loading(data_dir: Path, warehouse: Path) -> bool:
    """True when the ledger files differ from what `raw.ledger_files` holds (a close since the
    last run, or a warehouse without the ledger): the run must load it and transform."""
    current = ledger_fingerprint(data_dir)
    if not warehouse.exists():
        return bool(current)
    with duckdb.connect(str(warehouse)) as con:
        loaded = loaded_ledger_fingerprint(con)
    return current != (loaded or [])
