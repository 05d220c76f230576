"""The `engine` resource: which engine runs the warehouse, DuckDB (the default) or Apache Spark.

Chosen by configuration, once per run: the resource's `name` (Dagster UI / run config), whose
default is $PARTNER_ENGINE, which `python -m dagster_project run --engine spark` sets. The
assets and checks call `engine.open(data_dir, warehouse)` and talk to the implementation it
returns (base.WarehouseEngine); no asset or check asks which engine it is.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from .base import WarehouseEngine
from .duckdb_engine import DuckDBEngine
from .spark_engine import SparkEngine

ENGINE_ENV = "PARTNER_ENGINE"
DEFAULT_ENGINE = "duckdb"
IMPLEMENTATIONS: dict[str, type[WarehouseEngine]] = {"duckdb": DuckDBEngine, "spark": SparkEngine}
ENGINES = tuple(IMPLEMENTATIONS)


def engine_from_env() -> str:
    name = (os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise ValueError(f"${ENGINE_ENV}={name!r}: expected one of {', '.join(ENGINES)}")
    return name


class Engine(dg.ConfigurableResource):
    """The warehouse engine: `duckdb` or `spark` (default: $PARTNER_ENGINE, else duckdb)."""

    name: str = DEFAULT_ENGINE

    @classmethod
    def from_env(cls) -> Engine:
        return cls(name=engine_from_env())

    def implementation(self) -> type[WarehouseEngine]:
        if self.name not in IMPLEMENTATIONS:
            raise ValueError(f"engine {self.name!r}: expected one of {', '.join(ENGINES)}")
        return IMPLEMENTATIONS[self.name]

    def open(self, data_dir: Path, warehouse: DuckDBResource) -> WarehouseEngine:
        """This engine's warehouse of `data_dir` (`warehouse`: the DuckDB file's resource)."""
        return self.implementation()(data_dir, warehouse)

    @property
    def is_spark(self) -> bool:
        return self.implementation() is SparkEngine

    @property
    def dbt_target(self) -> str:
        """The dbt profile target (dbt/profiles.yml) of this engine."""
        return self.implementation().target()
