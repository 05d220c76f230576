"""Publishing: copy the `marts` schema to `marts.duckdb` and swap it in atomically.

BI tools read `marts.duckdb`, never the warehouse (DuckDB lets no other process open a file
while the writer holds it). The copy is written to a temporary file in the same directory and
moved over the old one with `os.replace`, so a reader sees either the old file or the new
one, whole. A run that fails before this point leaves the published file untouched.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"


def quote_identifier(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_catalog = current_database() AND table_schema = ? ORDER BY 1",
        [MARTS_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def publish_marts(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    """Copy every table of schema `marts` into `target` (default schema); return row counts."""
    tables = mart_tables(con)
    if not tables:
        raise RuntimeError("nothing to publish: the warehouse has no tables in schema 'marts'")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    con.execute("ATTACH ? AS publish_target", [str(tmp)])
    try:
        for table in tables:
            name = quote_identifier(table)
            con.execute(
                f"CREATE TABLE publish_target.main.{name} AS SELECT * FROM {MARTS_SCHEMA}.{name}"
            )
            counts[table] = con.execute(
                f"SELECT count(*) FROM publish_target.main.{name}"
            ).fetchone()[0]
        con.execute("CHECKPOINT publish_target")
    finally:
        con.execute("DETACH publish_target")
    try:
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return counts
