"""Where things live: the repository, the dbt project, a data directory's files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
# dbt's target directory: the manifest the definitions read, the saved parse state, a run's
# compiled SQL and results. `dbt/target`, or $DBT_TARGET_PATH (dbt's own variable, relative to
# the dbt project): two dbt commands at once must not share one, so the test suite's parallel
# workers each get their own (tests/conftest.py).
DBT_TARGET_DIR = DBT_PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target")
DEFAULT_DATA_DIR = REPO_ROOT / "data"

DATA_DIR_ENV = "PARTNER_DATA_DIR"

# The `dbt` of the dbt-core installed beside this interpreter (dagster-dbt does not install
# dbt itself).
VENV_DBT = Path(sys.executable).parent / "dbt"

# What the dbt resource runs: the venv's dbt, through a launcher that has it killed when the
# run's process dies (bin/dbt_launcher.py), so a kill -9 of a run leaves no dbt behind.
DBT_LAUNCHER = REPO_ROOT / "dagster_project" / "bin" / "dbt"


def dbt_runs_through_launcher() -> bool:
    """Whether runs start dbt through DBT_LAUNCHER: on Linux, with the venv's dbt."""
    return sys.platform.startswith("linux") and VENV_DBT.exists()


def data_dir_from_env() -> Path:
    """The data directory the definitions work on: $PARTNER_DATA_DIR, else `<repo>/data`."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR).resolve()


def warehouse_path(data_dir: Path) -> Path:
    return data_dir / "warehouse.duckdb"


def published_marts_path(data_dir: Path) -> Path:
    return data_dir / "marts.duckdb"


def raw_dir(data_dir: Path) -> Path:
    return data_dir / "raw"
