"""The Spark engine: tables under `<data dir>/spark/` (spark_dirs.py), the same dbt project with
`--target spark`, the marts published to the same `marts.duckdb`.

Raw loads are parquet partitions with their bookkeeping in `<spark dir>/file_loads.json`
(spark_loading.py); the checks read the Spark tables through DuckDB views (spark_publish.py).
Closing a period runs on DuckDB only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.core.log_files import files_for
from dagster_project.defs.ingest.pending_work import write_state_copy

from . import spark_loading
from .base import Say, TransformWork, WarehouseEngine
from .spark_dirs import SparkDirs, spark_dbt_target, spark_dirs
from .spark_ledger import load_ledger_on_spark
from .spark_publish import publish_spark_marts, spark_warehouse_views


class SparkEngine(WarehouseEngine):
    name = "spark"

    @property
    def dirs(self) -> SparkDirs:
        return spark_dirs(self.data_dir)

    @classmethod
    def target(cls) -> str:
        return spark_dbt_target()

    def _file_loads(self) -> spark_loading.FileLoads:
        return spark_loading.FileLoads.read(self.dirs.file_loads)

    def _refresh_state_copy(self) -> None:
        write_state_copy(self.data_dir, self._file_loads().state())

    def load_feed(self, feed: str, keys: list[str], force: bool, say: Say) -> dict[str, object]:
        try:
            files = {date.fromisoformat(k): files_for(self.data_dir, feed, k) for k in keys}
            results = spark_loading.load_feed(self.dirs, feed, files, force=force)
        finally:
            self._refresh_state_copy()
        loaded = [r for r in results if not r.skipped]
        rows = sum(r.rows for r in loaded)
        skipped = sum(1 for r in results if r.skipped and r.file_name is not None)
        say(f"[load {feed}] spark: {len(loaded)} log dates, {rows:,} rows loaded")
        return {
            "engine": "spark",
            "partitions_loaded": len(loaded),
            "partitions_unchanged": skipped,
            "partitions_without_file": len(results) - len(loaded) - skipped,
            "rows_loaded": rows,
        }

    def load_ledger(self) -> tuple[int, int]:
        return load_ledger_on_spark(self.dirs.raw, self.data_dir)

    def claim_transform(self, run_id: str) -> TransformWork:
        spark_loading.stop_spark_session()  # the loader's; dbt starts its own Spark
        loads = self._file_loads()
        dates = loads.claim(run_id)
        loads.write()
        return TransformWork(dates, None)  # Spark's deduplicated models are always tables

    def dbt_env(self) -> dict[str, str]:
        return self.dirs.env()

    def dbt_args(self) -> list[str]:
        return ["--target", self.dbt_target]

    def publish(self, target: Path, run_id: str) -> dict[str, int]:
        counts = publish_spark_marts(self.dirs, target)  # the marts' parquet files, copied
        loads = self._file_loads()
        loads.mark_claimed_transformed(run_id)
        loads.write()
        self._refresh_state_copy()
        return counts

    @contextmanager
    def check_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """An in-memory DuckDB with views over the Spark tables' parquet files and the loader's
        bookkeeping as `raw._file_loads`, so each check is one piece of SQL on either engine."""
        con = duckdb.connect()
        try:
            spark_warehouse_views(con, self.dirs)
            con.execute("CREATE SCHEMA IF NOT EXISTS raw")
            con.execute(
                "CREATE TABLE raw._file_loads (feed VARCHAR, log_date DATE, file_name VARCHAR,"
                " rows_loaded BIGINT)"
            )
            entries = self._file_loads().entries
            rows = [(*key.split("/"), e["file_name"], e["rows"]) for key, e in entries.items()]
            if rows:
                con.executemany("INSERT INTO raw._file_loads VALUES (?, ?, ?, ?)", rows)
            yield con
        finally:
            con.close()

    def payout_connection(self) -> Callable[[], AbstractContextManager]:
        from dagster_project.defs.payouts.close import CloseRefused

        raise CloseRefused("close-month runs on the DuckDB engine only")
