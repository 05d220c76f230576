"""The warehouse engines: one interface (base.py), one DuckDB and one Spark implementation,
chosen by the `engine` resource (resource.py). Spark's loading, ledger and publishing live in
spark_*.py; the Spark modules import pyspark only when they run."""

from .resource import ENGINE_ENV, ENGINES, Engine, engine_from_env
from .spark_dirs import SparkDirs, spark_dbt_target, spark_dirs

__all__ = [
    "ENGINES",
    "ENGINE_ENV",
    "Engine",
    "SparkDirs",
    "engine_from_env",
    "spark_dbt_target",
    "spark_dirs",
]
