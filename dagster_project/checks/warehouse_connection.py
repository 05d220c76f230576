"""The connection the checks read: warehouse.duckdb, or on Spark an in-memory DuckDB with
views over the Spark tables' parquet files and the Spark loader's bookkeeping as
`raw._file_loads`, so each check is one piece of SQL on either engine."""

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from dagster_duckdb import DuckDBResource

from ..engines import Engine, spark_dirs
from ..resources import DataDir


@contextmanager
def check_connection(
    warehouse: DuckDBResource, engine: Engine, data_dir: DataDir
) -> Iterator[duckdb.DuckDBPyConnection]:
    if not engine.is_spark:
        with warehouse.get_connection() as con:
            yield con
        return
    from ..spark_loading import FileLoads
    from ..spark_publish import spark_warehouse_views

    dirs = spark_dirs(data_dir.root)
    con = duckdb.connect()
    try:
        spark_warehouse_views(con, dirs)
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        con.execute(
            "CREATE TABLE raw._file_loads (feed VARCHAR, log_date DATE, file_name VARCHAR,"
            " rows_loaded BIGINT)"
        )
        entries = FileLoads.read(dirs.file_loads).entries
        rows = [(*key.split("/"), e["file_name"], e["rows"]) for key, e in entries.items()]
        if rows:
            con.executemany("INSERT INTO raw._file_loads VALUES (?, ?, ?, ?)", rows)
        yield con
    finally:
        con.close()
