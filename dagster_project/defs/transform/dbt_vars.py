"""dbt's per-run settings: the vars and the dbt process's environment, built by small pure
functions (unit-tested).

The pipeline passes a run's vars as environment variables `PARTNER_DBT_<NAME>` (JSON), which
the project's `run_setting` macro reads before `var()`: a changed `--vars` makes dbt re-parse
the whole project on every run, a changed environment variable only the files that read it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from dagster_project.core.duckdb_settings import MEMORY_LIMIT_ENV, TEMP_DIR_ENV, dbt_environment
from dagster_project.core.paths import warehouse_path


def dbt_vars_for_log_dates(log_dates: list[str]) -> dict[str, object]:
    """`{"log_dates": [...]}`: the log dates the incremental models reprocess.

    Each value is re-formatted from a parsed date, so nothing but `YYYY-MM-DD` strings ever
    reaches SQL (the list is rendered into the incremental filter by dbt).
    """
    return {"log_dates": sorted({date.fromisoformat(d).isoformat() for d in log_dates})}


def dbt_vars_arg(vars_: dict[str, object]) -> list[str]:
    return ["--vars", json.dumps(vars_, sort_keys=True)]


def dbt_vars_for_run(log_dates: list[str], seen_before: list[str] | None) -> dict[str, object]:
    """The vars of a pipeline run's `dbt build`: the log dates to (re)process, and whether the
    deduplicated models must be rebuilt (some of those dates were transformed before: a
    reload) or may re-rank only the new dates' events (dbt/macros/incremental/deduplication.sql)."""
    return {
        **dbt_vars_for_log_dates(log_dates),
        "rebuild_deduplication": bool(seen_before),
    }


def dbt_run_environment(vars_: dict[str, object]) -> dict[str, str]:
    """`{"PARTNER_DBT_LOG_DATES": '["2026-11-01"]', ...}`: the vars as the macro reads them."""
    return {f"PARTNER_DBT_{name.upper()}": json.dumps(value) for name, value in vars_.items()}


# A full refresh: every log date (null), deduplication rebuilt.
FULL_REFRESH_VARS: dict[str, object] = {"log_dates": None, "rebuild_deduplication": True}


# The settings that name a file or folder of the data directory (dbt/profiles.yml reads them).
DATA_DIR_PATH_SETTINGS = ("WAREHOUSE_PATH", TEMP_DIR_ENV)


def dbt_process_env(
    *,
    warehouse: Path,
    vars_: dict[str, object],
    duckdb_env: dict[str, str],
    engine_env: dict[str, str],
    python: str,
    parent_pid: int,
    workdir: Path | None = None,
) -> dict[str, str]:
    """Every setting a pipeline run gives its dbt process, as environment variables: the
    warehouse file dbt/profiles.yml opens (`WAREHOUSE_PATH`), DuckDB's memory limit and spill
    directory (`duckdb_env`), the engine's own (`engine_env`: Spark's directories), the run's
    vars (`PARTNER_DBT_*`), and for bin/dbt the venv's Python and the process whose death
    kills dbt.

    With `workdir` (the data directory), bin/dbt starts dbt in it (`PARTNER_DBT_WORKDIR`) and
    the paths inside it are given relative to it: the profile dbt sees is then the same for
    every data directory. dbt re-parses the whole project when its profile changes (≈ 4 s a
    run), so with absolute paths every run over another data directory than the last one
    (a second warehouse, each test, each bench scenario) paid a full parse."""
    env = {
        "WAREHOUSE_PATH": str(warehouse),
        **duckdb_env,
        **engine_env,
        "PARTNER_PYTHON": python,
        "PARTNER_DBT_PARENT_PID": str(parent_pid),
        **dbt_run_environment(vars_),
    }
    if workdir is not None:
        env["PARTNER_DBT_WORKDIR"] = str(workdir)
        for name in DATA_DIR_PATH_SETTINGS:
            if name in env and Path(env[name]).is_relative_to(workdir):
                env[name] = str(Path(env[name]).relative_to(workdir))
    return env


def run_profile_settings() -> dict[str, str]:
    """The settings dbt/profiles.yml reads, as a pipeline run on DuckDB gives them to a dbt
    started in its data directory (dbt_process_env with `workdir`): the same for every data
    directory. `dbt parse` given them leaves the partial-parse state that the next run's dbt
    reuses; with other values (dbt's defaults) that run would parse the whole project again."""
    data_dir = Path("data")  # any folder: the paths inside it come out relative to it
    env = dbt_process_env(
        warehouse=warehouse_path(data_dir),
        vars_={},
        duckdb_env=dbt_environment(data_dir),
        engine_env={},
        python="",
        parent_pid=0,
        workdir=data_dir,
    )
    return {name: env[name] for name in (*DATA_DIR_PATH_SETTINGS, MEMORY_LIMIT_ENV)}


@contextmanager
def environment(settings: dict[str, str]) -> Iterator[None]:
    """`os.environ` with `settings` for the block, as it was afterwards. dagster-dbt's
    `DbtCliResource.cli` takes no environment: it passes the process's own to the dbt
    subprocess it starts."""
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
