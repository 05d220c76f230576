"""Publishing on Spark: the Spark marts copied into `<data dir>/marts.duckdb`.

BI tools read `marts.duckdb` whichever engine built the marts. The Spark marts are parquet
tables under the warehouse directory (`<spark dir>/warehouse/marts.db/<table>/`); DuckDB reads
their files and `publish.publish_marts` writes and swaps the file exactly as on DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .engines import SparkDirs
from .publish import MARTS_SCHEMA, publish_marts, quote_identifier


def spark_mart_tables(dirs: SparkDirs) -> dict[str, Path]:
    root = dirs.warehouse / f"{MARTS_SCHEMA}.db"
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")}


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
