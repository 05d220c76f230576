"""Publishing on Spark: the Spark marts copied into `<data dir>/marts.duckdb`.

BI tools read `marts.duckdb` whichever engine built the marts. The Spark marts are parquet
tables under the warehouse directory (`<spark dir>/warehouse/marts.db/<table>/`); DuckDB reads
their files and `publish.publish_marts` writes and swaps the file exactly as on DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project.defs.publish.publish import MARTS_SCHEMA, publish_marts, quote_identifier

from .spark_dirs import SparkDirs


def spark_mart_tables(dirs: SparkDirs) -> dict[str, Path]:
    root = dirs.warehouse / f"{MARTS_SCHEMA}.db"
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")}


def spark_warehouse_views(con: duckdb.DuckDBPyConnection, dirs: SparkDirs) -> list[str]:
    """Views `<schema>.<table>` in `con` over every local Spark table's parquet files (raw
    included), so DuckDB SQL (checks, ad-hoc queries) reads the Spark warehouse as it reads
    warehouse.duckdb. Returns the views' names."""
    locations: dict[tuple[str, str], Path] = {}
    for schema_dir in sorted(dirs.warehouse.glob("*.db")):
        for table_dir in sorted(schema_dir.iterdir()):
            if table_dir.is_dir() and not table_dir.name.startswith((".", "_")):
                locations[schema_dir.name[: -len(".db")], table_dir.name] = table_dir
    raw = Path(dirs.raw)
    if raw.is_dir():
        for table_dir in sorted(raw.iterdir()):
            if table_dir.is_dir():
                locations["raw", table_dir.name] = table_dir
    names = []
    for (schema, table), location in locations.items():
        files = sorted(location.rglob("*.parquet"))
        if not files:
            continue  # an empty table: no file to take the columns from
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}")
        # The file list is built here from the directory listing, never from data.
        file_list = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        con.execute(
            f"CREATE OR REPLACE VIEW {quote_identifier(schema)}.{quote_identifier(table)} AS"
            f" SELECT * FROM read_parquet([{file_list}], hive_partitioning = true)"
        )
        names.append(f"{schema}.{table}")
    return names


def publish_spark_marts(dirs: SparkDirs, target: Path) -> dict[str, int]:
    tables = spark_mart_tables(dirs)
    if not tables:
        raise RuntimeError(f"nothing to publish: no Spark marts under {dirs.warehouse}")
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"CREATE SCHEMA {MARTS_SCHEMA}")
        for table, location in tables.items():
            con.execute(
                f"CREATE TABLE {MARTS_SCHEMA}.{quote_identifier(table)} AS"
                " SELECT * FROM read_parquet(?)",
                [str(location / "*.parquet")],
            )
        return publish_marts(con, target)
