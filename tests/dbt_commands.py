"""dbt commands for the tests that call dbt themselves, started the way a pipeline run starts
dbt, so that they reuse the project's parse instead of parsing the whole project each time.

dbt re-parses the whole project (≈ 4 s) when its target directory has no partial-parse state,
when the profile changes (its paths are part of it) or when `--vars` change. A pipeline run
avoids all three (defs/transform/dbt_vars.py): dbt starts in the data directory with the
warehouse path relative to it, the run's vars come as environment variables, and the target
directory keeps its state. Here each test's target directory starts with the project's state
(dbt/target/partial_parse.msgpack), and every warehouse is `<folder>/warehouse.duckdb`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_project.cli.warm_dbt import WARM_SOCKET_ENV
from dagster_project.core.duckdb_settings import dbt_environment
from dagster_project.core.paths import warehouse_path
from dagster_project.defs.resources import dbt_project, dbt_workdir, run_dbt_executable
from dagster_project.defs.transform.dbt_vars import dbt_process_env

PARTIAL_PARSE = "partial_parse.msgpack"


def dbt_command(
    warehouse: Path, target: Path, *args: str, vars_: dict[str, object] | None = None
) -> subprocess.CompletedProcess:
    """`dbt <args>` on `warehouse`, which must be `<folder>/warehouse.duckdb` (a pipeline's
    data directory layout), with the run's `vars_` passed as a run passes them; dbt writes to
    `target` (its logs too). Returns the finished process (output captured)."""
    data_dir = warehouse.parent
    if warehouse != warehouse_path(data_dir):
        raise ValueError(f"a test warehouse must be named {warehouse_path(data_dir).name}")
    target.mkdir(parents=True, exist_ok=True)
    project_state = Path(dbt_project.project_dir) / dbt_project.target_path / PARTIAL_PARSE
    if not (target / PARTIAL_PARSE).exists() and project_state.exists():
        shutil.copy2(project_state, target / PARTIAL_PARSE)
    executable = run_dbt_executable()
    settings = dbt_process_env(
        warehouse=warehouse,
        vars_=vars_ or {},
        duckdb_env=dbt_environment(data_dir),
        engine_env={},
        python=sys.executable,
        parent_pid=os.getpid(),
        workdir=dbt_workdir(data_dir, executable),
    )
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PARTNER_DBT_") or k == WARM_SOCKET_ENV  # a warm dbt, if served
    }
    return subprocess.run(
        [
            executable,
            *args,
            "--project-dir",
            str(dbt_project.project_dir),
            "--profiles-dir",
            str(dbt_project.profiles_dir),
            "--target-path",
            str(target),
            "--log-path",
            str(target),
        ],
        capture_output=True,
        text=True,
        env={**inherited, **settings},
    )


def check_row_rules_of(
    warehouse: Path, target: Path, model: str, vars_: dict[str, object] | None = None
) -> subprocess.CompletedProcess:
    """A model's row rules checked on `warehouse` as its build checks them (dbt run-operation
    check_row_rules_of, macros/validation/row_rules.sql), with the run's `vars_`."""
    args = json.dumps({"model": model})
    return dbt_command(
        warehouse, target, "run-operation", "check_row_rules_of", "--args", args, vars_=vars_
    )
