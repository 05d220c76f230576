"""The load state of either engine, for the assets: read it, claim the loads a transform
builds, mark them transformed, and refresh `<data dir>/.load_state.json` (pending_work.py)."""

from __future__ import annotations

from pathlib import Path

from . import spark_loading
from .engines import Engine, spark_dirs
from .pending_work import write_state_copy
from .raw_loading import claim_loads, ensure_raw_schema, load_state, mark_claimed_transformed


def refresh_state_copy(con, data_dir: Path, engine: Engine) -> None:
    """Rewrite the copy from the truth (`con`: a warehouse connection; unused on Spark)."""
    if engine.is_spark:
        state = spark_loading.FileLoads.read(spark_dirs(data_dir).file_loads).state()
    else:
        state = load_state(con)
    write_state_copy(data_dir, state)


def claim(con, data_dir: Path, engine: Engine, run_id: str) -> list[str]:
    """The log dates this transform run builds, recorded so publish marks exactly them."""
    if engine.is_spark:
        loads = spark_loading.FileLoads.read(spark_dirs(data_dir).file_loads)
        dates = loads.claim(run_id)
        loads.write()
        return dates
    ensure_raw_schema(con)
    return claim_loads(con, run_id)


def mark_built(con, data_dir: Path, engine: Engine, run_id: str) -> None:
    if engine.is_spark:
        loads = spark_loading.FileLoads.read(spark_dirs(data_dir).file_loads)
        loads.mark_claimed_transformed(run_id)
        loads.write()
    else:
        mark_claimed_transformed(con, run_id)
    refresh_state_copy(con, data_dir, engine)
