"""Shared fixtures. dbt's manifest is built once per session (prepare_if_dev does not run here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# `make test` runs the suite on a worker per core (pytest-xdist). Two dbt commands at once must not
# share a target directory (manifest, saved parse state, run results): each worker gets its own,
# set before the project is imported (core/paths.py reads it then) and inherited by the runs
# and dbt commands it starts.
if "PYTEST_XDIST_WORKER" in os.environ:
    os.environ.setdefault("DBT_TARGET_PATH", f"target/{os.environ['PYTEST_XDIST_WORKER']}")


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    from dagster_project.cli.manifest import prepare_dbt_manifest
    from dagster_project.defs.resources import dbt_project

    prepare_dbt_manifest()
    return dbt_project.manifest_path


@pytest.fixture(scope="session")
def make_run_sample(tmp_path_factory) -> Path:
    """`make run`'s sample data directory (generate --profile small with its defaults, then
    run), built once per session. Shared: tests only read it; one that writes copies it."""
    d = tmp_path_factory.mktemp("make_run_sample") / "data"
    done = run_cli("generate", "--data-dir", str(d), "--profile", "small")
    assert done.returncode == 0, done.stderr
    done = run_cli("run", "--data-dir", str(d))
    assert done.returncode == 0, done.stderr
    return d


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run `python -m dagster_project ...` as users do; return the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "dagster_project", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO_ROOT,
        env={**os.environ, **(env or {})},
    )


def generate_sample(data_dir: Path, days: int, seed: int, keep_old_file: bool = False) -> None:
    """`generate --profile small` into `data_dir`. Unless asked to keep it, the one log file
    dated a year before the rest is removed: a run over it spans a year of daily partitions,
    which costs Dagster bookkeeping per partition (see the closing note of issue 4)."""
    done = run_cli(
        "generate", "--data-dir", str(data_dir), "--days", str(days), "--seed", str(seed)
    )
    assert done.returncode == 0, done.stderr
    if not keep_old_file:
        dates = sorted({p.name.split(".")[0] for p in (data_dir / "raw").rglob("*.jsonl*")})
        for path in (data_dir / "raw").rglob(f"{dates[0]}.jsonl*"):
            path.unlink()


# The test layers, by folder: `unit` (pure Python and small DuckDB, no Dagster run, dbt or CLI:
# `make test-fast`), `dbt` (dbt builds on hand-made raw tables), `integration` (the CLI, Dagster
# runs, the daemon), `spark` (make test-spark). Each test gets its folder's marker.
LAYERS = ("unit", "dbt", "integration", "spark")


# `make test` runs the suite on one pytest-xdist worker per core (`--dist loadfile`). A work unit
# is a file, or the files sharing a scenario built once per process (SHARED_SCENARIOS), so that
# one worker builds it. Units start longest first (`--no-loadscope-reorder` keeps the order of
# collection), or the longest would start last and run alone. LONGEST_FIRST: the units that took
# 25 s or more in a run of the suite on 2 workers (--durations=0, setups and calls added; 262 s
# to 27 s), longest first.
SHARED_SCENARIOS = {
    "marts_runs": (  # tests/marts_runs.py's base and reference runs
        "tests/integration/test_crash_recovery.py",
        "tests/integration/test_publish_readers.py",
    ),
    "make_run_sample": (  # the make_run_sample fixture
        "tests/integration/test_analyst_docs.py",
        "tests/integration/test_bi_sqlalchemy.py",
    ),
}
LONGEST_FIRST = (
    "tests/integration/test_payouts.py",
    "marts_runs",
    "tests/dbt/test_dbt_staging.py",
    "tests/integration/test_incremental.py",
    "tests/dbt/test_incremental_dedup.py",
    "tests/integration/test_bad_files.py",
    "tests/integration/test_sensor_story.py",
    "tests/integration/test_daemon.py",
    "tests/integration/test_run_command.py",
    "tests/dbt/test_incremental_sales.py",
    "tests/unit/test_warm_dbt.py",
    "make_run_sample",
    "tests/integration/test_golden_scenario.py",
    "tests/dbt/test_dbt_unit_tests.py",
)
_UNIT_OF_FILE = {path: unit for unit, paths in SHARED_SCENARIOS.items() for path in paths}


def work_unit(nodeid: str) -> str:
    """The work unit of a test: its file's path (relative to the repository, as in node ids),
    or the scenario that file shares."""
    path = nodeid.split("::", 1)[0]
    return _UNIT_OF_FILE.get(path, path)


def start_rank(unit: str) -> int:
    """Where a work unit starts: by LONGEST_FIRST, then every other unit."""
    return LONGEST_FIRST.index(unit) if unit in LONGEST_FIRST else len(LONGEST_FIRST)


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook, called on the controller
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class WorkUnitScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return WorkUnitScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    for item in items:
        layer = Path(str(item.path)).parent.name
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))
    # The longest units first; a stable sort, so a unit's tests keep their order.
    items.sort(key=lambda item: start_rank(work_unit(item.nodeid)))
