"""Resources: the data directory, the warehouse connection, the dbt CLI."""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from dagster_duckdb import DuckDBResource
from packaging.version import Version

from dagster_project.core.duckdb_settings import connection_config
from dagster_project.core.paths import (
    DBT_LAUNCHER,
    DBT_PROJECT_DIR,
    DBT_TARGET_DIR,
    VENV_DBT,
    data_dir_from_env,
    dbt_runs_through_launcher,
    warehouse_path,
)
from dagster_project.engines import Engine

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=DBT_TARGET_DIR
)
# Under `dagster dev` only: (re)build dbt's manifest on load. The run command and the tests
# build it themselves (cli/manifest.py).
dbt_project.prepare_if_dev()


def starts_dbt_in_the_data_dir(dbt_executable: str) -> bool:
    """Whether dbt started as `dbt_executable` runs in the data directory: the launcher changes
    into it (defs/transform/dbt_vars.py says why)."""
    return dbt_executable == str(DBT_LAUNCHER)


def dbt_workdir(data_dir: Path, dbt_executable: str) -> Path | None:
    """The directory dbt started as `dbt_executable` runs in: the data directory when that is
    the launcher, else None (absolute paths)."""
    return data_dir if starts_dbt_in_the_data_dir(dbt_executable) else None


def venv_dbt_executable() -> str:
    """The venv's `dbt`, else the one on PATH."""
    return str(VENV_DBT) if VENV_DBT.exists() else "dbt"


def run_dbt_executable() -> str:
    """The dbt the runs start: the launcher around the venv's dbt (Linux), else dbt itself."""
    if dbt_runs_through_launcher():
        return str(DBT_LAUNCHER)
    return venv_dbt_executable()


def dbt_project_args() -> list[str]:
    """The arguments that point a dbt command started outside dagster-dbt at this project and
    its own target directory (where the manifest the definitions read lives)."""
    project_dir = Path(dbt_project.project_dir)
    return [
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(dbt_project.profiles_dir),
        "--target-path",
        str(project_dir / dbt_project.target_path),
    ]


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without its in-process dbt adapter.

    Before each dbt command, DbtCliResource loads the dbt project, profile and adapter inside
    the Dagster process, a cost every run pays (bench/HISTORY.md). It uses that adapter only
    to fetch column metadata and row counts on request, which this project does not ask for;
    with no adapter (the state DbtCliResource itself falls back to when loading fails) the dbt
    subprocess, events and checks are unchanged.
    """

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - the base class's signature
        return None

    @cached_property
    def _cli_version(self) -> Version:
        """dbt-core's version, read from this interpreter's packages when the executable is the
        venv's own `dbt`; the base class runs `dbt --version` for it in a subprocess."""
        if Path(self.dbt_executable) in (VENV_DBT, DBT_LAUNCHER):
            return Version(installed_version("dbt-core"))
        return super()._cli_version


class DataDir(dg.ConfigurableResource):
    """The data directory: raw logs under `raw/`, `warehouse.duckdb`, `marts.duckdb`."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


def build_resources(data_dir: Path | None = None) -> dict[str, object]:
    data_dir = (data_dir or data_dir_from_env()).resolve()
    return {
        "data_dir": DataDir(path=str(data_dir)),
        "warehouse": DuckDBResource(
            database=str(warehouse_path(data_dir)), connection_config=connection_config(data_dir)
        ),
        "dbt": DbtCli(project_dir=dbt_project, dbt_executable=run_dbt_executable()),
        "engine": Engine.from_env(),  # duckdb | spark ($PARTNER_ENGINE; engines.py)
    }
