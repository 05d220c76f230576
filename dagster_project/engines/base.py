"""The warehouse engine's interface: what the assets and checks ask of the warehouse, whichever
engine runs it. `duckdb_engine.DuckDBEngine` and `spark_engine.SparkEngine` implement it; the
`engine` resource (resource.py) picks one per run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster_duckdb import DuckDBResource

Say = Callable[[str], None]  # a progress line (to the Dagster log and the terminal)


@dataclass(frozen=True)
class TransformWork:
    """What a transform run's dbt build covers: the log dates it claimed, and those of them the
    deduplicated models saw before (None: unknown or not needed; rebuild_deduplication)."""

    log_dates: list[str]
    seen_before: list[str] | None


class WarehouseEngine(ABC):
    """One engine's warehouse for a data directory."""

    name: str

    def __init__(self, data_dir: Path, warehouse: DuckDBResource) -> None:
        self.data_dir = data_dir
        self.warehouse = warehouse

    @classmethod
    @abstractmethod
    def target(cls) -> str:
        """The dbt profile target (dbt/profiles.yml) of this engine."""

    @property
    def dbt_target(self) -> str:
        return self.target()

    @abstractmethod
    def load_feed(self, feed: str, keys: list[str], force: bool, say: Say) -> dict[str, object]:
        """Load one feed's log dates `keys` (unchanged files skipped unless `force`); refresh
        the load state's copy even when a file fails. Returns the asset's metadata."""

    @abstractmethod
    def load_ledger(self) -> tuple[int, int]:
        """Reload the payout ledger's files; (files, lines)."""

    @abstractmethod
    def claim_transform(self, run_id: str) -> TransformWork:
        """Record the loads the run's dbt build covers, so publishing marks exactly them."""

    @abstractmethod
    def dbt_env(self) -> dict[str, str]:
        """The engine's own environment variables for the dbt process."""

    def dbt_args(self) -> list[str]:
        """The engine's own dbt arguments (the default target needs none)."""
        return []

    @abstractmethod
    def publish(self, target: Path, run_id: str) -> dict[str, int]:
        """Publish the marts to `target` atomically, then mark the claimed loads transformed;
        row counts per table."""

    @abstractmethod
    def check_connection(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A DuckDB connection over the warehouse for the checks' SQL (`raw._file_loads`,
        `marts.*`, `audit.*`)."""

    @abstractmethod
    def payout_connection(self) -> Callable[[], AbstractContextManager]:
        """What closing a period opens the warehouse with; CloseRefused where it cannot."""
