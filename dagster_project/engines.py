"""Which engine runs the warehouse: DuckDB (the default) or Apache Spark.

Chosen by configuration: the `engine` resource (Dagster UI / run config), whose default is
$PARTNER_ENGINE, which `python -m dagster_project run --engine spark` sets. DuckDB keeps
everything in `<data dir>/warehouse.duckdb`; Spark keeps its tables under `<data dir>/spark/`
(see `spark_dirs`) and the same dbt project runs with `--target spark`. Both publish the
marts to `<data dir>/marts.duckdb`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

ENGINE_ENV = "PARTNER_ENGINE"
ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"

# What the dbt profile (dbt/profiles.yml, target `spark`) and the Spark raw loader read.
SPARK_DIR_ENV = "PARTNER_SPARK_DIR"
SPARK_RAW_DIR_ENV = "PARTNER_SPARK_RAW_DIR"
SPARK_MASTER_ENV = "PARTNER_SPARK_MASTER"
SPARK_TARGET_ENV = "PARTNER_SPARK_TARGET"  # dbt target: spark (local session) | spark_thrift ...


def spark_dbt_target() -> str:
    """The dbt target of the Spark engine: `spark` (local session) unless $PARTNER_SPARK_TARGET."""
    return os.environ.get(SPARK_TARGET_ENV) or "spark"


def engine_from_env() -> str:
    name = (os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise ValueError(f"${ENGINE_ENV}={name!r}: expected one of {', '.join(ENGINES)}")
    return name


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


class Engine(dg.ConfigurableResource):
    """The warehouse engine: `duckdb` or `spark` (default: $PARTNER_ENGINE, else duckdb)."""

    name: str = DEFAULT_ENGINE

    @classmethod
    def from_env(cls) -> Engine:
        return cls(name=engine_from_env())

    @property
    def is_spark(self) -> bool:
        if self.name not in ENGINES:
            raise ValueError(f"engine {self.name!r}: expected one of {', '.join(ENGINES)}")
        return self.name == "spark"

    @property
    def dbt_target(self) -> str:
        """The dbt profile target (dbt/profiles.yml) of this engine."""
        return spark_dbt_target() if self.is_spark else "duckdb"
