"""dbt's manifest, which the Dagster definitions read: parsed again only when the dbt project
or the target changed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dagster_project.core.paths import DBT_PROJECT_DIR, DBT_TARGET_DIR

from .errors import RunError

MANIFEST_STAMP = ".manifest_target"  # the dbt target (engine) the manifest was parsed for
TARGET_DIR = DBT_TARGET_DIR  # dbt_project.target_path, without importing dagster-dbt


def dbt_sources_changed_since(manifest: Path, project_dir: Path, profiles_dir: Path) -> bool:
    """True when a file dbt parses is newer than `manifest` (or there is no manifest)."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    files = [project_dir / "dbt_project.yml", profiles_dir / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        files.extend(p for p in (project_dir / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in files if p.exists())


def manifest_is_current() -> bool:
    """Whether dbt's manifest was parsed for this dbt target after every change to the project
    (cheap: file dates; imports neither dbt nor dagster-dbt)."""
    stamp = TARGET_DIR / MANIFEST_STAMP
    return (
        stamp.exists()
        and stamp.read_text() == dbt_target()
        and not dbt_sources_changed_since(
            TARGET_DIR / "manifest.json", DBT_PROJECT_DIR, DBT_PROJECT_DIR
        )
    )


def dbt_target() -> str:
    return os.environ.get("DBT_TARGET", "duckdb")


def prepare_dbt_manifest() -> bool:
    """Build dbt's manifest (the Dagster definitions read it) unless it is current: parsed for
    this dbt target, after every change to the project. Returns whether dbt parse ran."""
    if manifest_is_current():
        return False
    from dagster_project.defs.resources import (
        dbt_project_args,
        run_dbt_executable,
        starts_dbt_in_the_data_dir,
        venv_dbt_executable,
    )
    from dagster_project.defs.transform.dbt_vars import run_profile_settings

    command = [venv_dbt_executable(), "parse", "--quiet", *dbt_project_args()]
    env = dict(os.environ)
    if starts_dbt_in_the_data_dir(run_dbt_executable()):  # as runs start it
        env |= run_profile_settings()  # so the first run reuses this parse
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RunError(f"dbt parse failed:\n{done.stdout}{done.stderr}")
    (TARGET_DIR / MANIFEST_STAMP).write_text(dbt_target())
    return True
