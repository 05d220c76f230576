"""Where things live: the repository, the dbt project, a data directory's files."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
DEFAULT_DATA_DIR = REPO_ROOT / "data"

DATA_DIR_ENV = "PARTNER_DATA_DIR"


def data_dir_from_env() -> Path:
    """The data directory the definitions work on: $PARTNER_DATA_DIR, else `<repo>/data`."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR).resolve()


def warehouse_path(data_dir: Path) -> Path:
    return data_dir / "warehouse.duckdb"


def published_marts_path(data_dir: Path) -> Path:
    return data_dir / "marts.duckdb"


def raw_dir(data_dir: Path) -> Path:
    return data_dir / "raw"
