"""The DuckDB engine (the default): everything in `<data dir>/warehouse.duckdb`.

Raw loads and their bookkeeping (`raw._file_loads`) in the warehouse (raw_loading.py), dbt's
default target `duckdb`, publishing by copying the `marts` schema (publish.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.core.log_files import files_for
from dagster_project.defs.ingest.ledger_loading import load_ledger
from dagster_project.defs.ingest.parallel_loading import load_in_parallel
from dagster_project.defs.ingest.pending_work import write_state_copy
from dagster_project.defs.ingest.raw_loading import (
    LoadResult,
    claim_loads,
    ensure_raw_schema,
    load_state,
    mark_claimed_transformed,
)
from dagster_project.defs.publish.publish import publish_marts
from dagster_project.defs.transform.dedup_state import log_dates_seen_by_deduplication

from .base import Say, TransformWork, WarehouseEngine


class DuckDBEngine(WarehouseEngine):
    name = "duckdb"

    @classmethod
    def target(cls) -> str:
        return "duckdb"

    def _refresh_state_copy(self, con: duckdb.DuckDBPyConnection) -> None:
        write_state_copy(self.data_dir, load_state(con))

    def load_feed(self, feed: str, keys: list[str], force: bool, say: Say) -> dict[str, object]:
        with self.warehouse.get_connection() as con:
            ensure_raw_schema(con)
            try:
                return self._load_keys(con, feed, keys, force, say)
            finally:  # also after a failed file: what was committed before it is recorded
                self._refresh_state_copy(con)

    def _load_keys(self, con, feed: str, keys: list[str], force: bool, say: Say) -> dict:
        counts = {"loaded": 0, "skipped": 0, "absent": 0, "rows": 0, "done": 0}

        def count(result: LoadResult) -> str | None:
            counts["done"] += 1
            if result.file_name is None:
                counts["absent"] += 1  # no file for this feed and date
            elif result.skipped:
                counts["skipped"] += 1
            else:
                counts["loaded"] += 1
                counts["rows"] += result.rows
            if counts["done"] == len(keys) or counts["done"] % 25 == 0:
                done, rows, skipped, absent = (
                    counts[k] for k in ("done", "rows", "skipped", "absent")
                )
                return (
                    f"[load {feed}] {done}/{len(keys)} log dates, {rows:,} rows loaded"
                    f" ({skipped} unchanged, {absent} without a file)"
                )
            return None

        files = [(date.fromisoformat(k), files_for(self.data_dir, feed, k)) for k in keys]
        load_in_parallel(con, feed, files, force, count, say)
        return {
            "partitions_loaded": counts["loaded"],
            "partitions_unchanged": counts["skipped"],
            "partitions_without_file": counts["absent"],
            "rows_loaded": counts["rows"],
        }

    def load_ledger(self) -> tuple[int, int]:
        with self.warehouse.get_connection() as con:
            return load_ledger(con, self.data_dir)

    def claim_transform(self, run_id: str) -> TransformWork:
        with self.warehouse.get_connection() as con:
            ensure_raw_schema(con)
            pending = claim_loads(con, run_id)
            return TransformWork(pending, log_dates_seen_by_deduplication(con, pending))

    def dbt_env(self) -> dict[str, str]:
        return {}

    def publish(self, target: Path, run_id: str) -> dict[str, int]:
        with self.warehouse.get_connection() as con:
            counts = publish_marts(con, target)
            # Only now are the loads dbt built done: built, checked and published. A load
            # since the dbt step started stays pending.
            mark_claimed_transformed(con, run_id)
            self._refresh_state_copy(con)
        return counts

    @contextmanager
    def check_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.warehouse.get_connection() as con:
            yield con

    def payout_connection(self) -> Callable[[], AbstractContextManager]:
        return self.warehouse.get_connection
