"""DuckDB's memory ceiling and spill directory, the same for every warehouse connection.

DuckDB holds intermediate results in memory up to `memory_limit` and spills the rest to
`temp_directory`, so a history larger than memory is slower, not fatal. The dbt profile
(dbt/profiles.yml) reads the same two values from the environment variables below, which the
dbt asset sets for its dbt process; the loaders and publishing get them through
`DuckDBResource(connection_config=...)`.
"""

from __future__ import annotations

import os
from pathlib import Path

MEMORY_LIMIT_ENV = "PARTNER_DUCKDB_MEMORY_LIMIT"
TEMP_DIR_ENV = "PARTNER_DUCKDB_TEMP_DIR"
# dbt's process and the Dagster run process each stay under ~2 GB together (bench/README.md).
DEFAULT_MEMORY_LIMIT = "1GB"
THREADS = 2


def memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT


def temp_directory(data_dir: Path) -> Path:
    """Where DuckDB spills: $PARTNER_DUCKDB_TEMP_DIR, else `<data dir>/.duckdb_tmp`."""
    return Path(os.environ.get(TEMP_DIR_ENV) or data_dir / ".duckdb_tmp")


def connection_config(data_dir: Path) -> dict[str, object]:
    """Settings for a warehouse connection (DuckDBResource's `connection_config`)."""
    return {
        "memory_limit": memory_limit(),
        "temp_directory": str(temp_directory(data_dir)),
        "threads": THREADS,
        # Nothing here depends on the order rows were inserted in; dropping the guarantee
        # lets large INSERT ... SELECTs stream instead of buffering.
        "preserve_insertion_order": False,
        # The loaders commit once per log file; checkpointing the database file at each
        # commit (DuckDB's default beyond 16 MB of WAL) cost more than the loading itself.
        # The WAL is checkpointed when the connection closes.
        "checkpoint_threshold": "1GB",
    }


def dbt_environment(data_dir: Path) -> dict[str, str]:
    """The variables dbt/profiles.yml reads, for the dbt process."""
    return {MEMORY_LIMIT_ENV: memory_limit(), TEMP_DIR_ENV: str(temp_directory(data_dir))}
