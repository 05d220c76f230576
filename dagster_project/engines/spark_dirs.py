"""The Spark engine's files and settings: `<data dir>/spark/` (warehouse tables, raw parquet,
the loader's bookkeeping) and the environment variables dbt's `spark` target reads."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# What the dbt profile (dbt/profiles.yml, target `spark`) and the Spark raw loader read.
SPARK_DIR_ENV = "PARTNER_SPARK_DIR"
SPARK_RAW_DIR_ENV = "PARTNER_SPARK_RAW_DIR"
SPARK_MASTER_ENV = "PARTNER_SPARK_MASTER"
SPARK_TARGET_ENV = "PARTNER_SPARK_TARGET"  # dbt target: spark (local session) | spark_thrift ...


def spark_dbt_target() -> str:
    """The dbt target of the Spark engine: `spark` (local session) unless $PARTNER_SPARK_TARGET."""
    return os.environ.get(SPARK_TARGET_ENV) or "spark"


@dataclass(frozen=True)
class SparkDirs:
    """A data directory's Spark files (local `session` mode)."""

    root: Path  # <data dir>/spark

    @property
    def warehouse(self) -> Path:  # spark.sql.warehouse.dir: the dbt models' tables
        return self.root / "warehouse"

    @property
    def raw(self) -> str:
        """Where the raw loader writes <feed>/log_date=YYYY-MM-DD/*.parquet: a local path
        (<spark dir>/raw) or, with $PARTNER_SPARK_RAW_DIR, any URI Spark writes to."""
        return os.environ.get(SPARK_RAW_DIR_ENV) or str(self.root / "raw")

    @property
    def file_loads(self) -> Path:  # the raw loader's bookkeeping (raw._file_loads on DuckDB)
        return self.root / "file_loads.json"

    def mart_location(self, table: str) -> Path:
        return self.warehouse / "marts.db" / table

    def env(self) -> dict[str, str]:
        """Environment for dbt's `spark` target and the raw loader."""
        env = {SPARK_DIR_ENV: str(self.root), SPARK_RAW_DIR_ENV: self.raw}
        if (os.environ.get(SPARK_MASTER_ENV) or "local").startswith("local"):
            env["SPARK_LOCAL_IP"] = os.environ.get("SPARK_LOCAL_IP", "127.0.0.1")
        return env


def spark_dirs(data_dir: Path) -> SparkDirs:
    return SparkDirs(data_dir.resolve() / "spark")
