"""Row-for-row snapshots of DuckDB tables, to compare two builds or two moments of a file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project.defs.publish.publish import quote_identifier

# Differs between any two publishes by design: the instant of publishing.
PUBLISH_INSTANT = {"run_info": "published_at"}


def select_rows(table: str, qualified_name: str) -> str:
    """SELECT of a table's rows without its publishing instant (PUBLISH_INSTANT)."""
    if table in PUBLISH_INSTANT:
        instant = quote_identifier(PUBLISH_INSTANT[table])
        return f"SELECT * EXCLUDE ({instant}) FROM {qualified_name}"
    return f"SELECT * FROM {qualified_name}"


def table_snapshots(path: Path, schema: str = "main") -> dict[str, tuple[int, str]]:
    """Per table of `schema`: (row count, md5 of its sorted rows rendered as text), leaving
    out run_info's publishing instant."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables"
                " where table_catalog = current_database() and table_schema = ? order by 1",
                [schema],
            ).fetchall()
        ]
        out = {}
        for table in tables:
            name = f"{quote_identifier(schema)}.{quote_identifier(table)}"
            out[table] = con.execute(
                f"select count(*), md5(coalesce(string_agg(r, chr(10) order by r), ''))"
                f" from (select cast(t as varchar) as r from ({select_rows(table, name)}) as t)"
            ).fetchone()
    return out
