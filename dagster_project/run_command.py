"""`python -m dagster_project run --data-dir DIR`: every asset, every log date, then publish."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
import warnings
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

from .log_files import LogFileError, discover, log_dates
from .paths import DATA_DIR_ENV, REPO_ROOT, published_marts_path, warehouse_path

LOCK_NAME = ".warehouse.lock"


class RunError(RuntimeError):
    """A failure the run command reports in one line and exits non-zero for."""


@contextmanager
def warehouse_lock(data_dir: Path):
    """Hold an exclusive lock on the data directory's warehouse for the whole run."""
    lock_path = data_dir / LOCK_NAME
    fh = open(lock_path, "a+")  # noqa: SIM115 - held open for the whole run
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "another process"
        fh.close()
        raise RunError(
            f"another run holds the warehouse {warehouse_path(data_dir)} ({holder}); "
            "wait for it to finish, then run again"
        ) from None
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()}")
    fh.flush()
    try:
        yield
    finally:
        fh.close()


def prepare_dbt_manifest() -> None:
    """Build dbt's manifest (the Dagster definitions read it); partial parsing keeps it quick."""
    from .resources import dbt_project, venv_dbt_executable

    command = [
        venv_dbt_executable(),
        "parse",
        "--quiet",
        "--project-dir",
        str(dbt_project.project_dir),
        "--profiles-dir",
        str(dbt_project.profiles_dir),
        "--target-path",
        str(dbt_project.target_path),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RunError(f"dbt parse failed:\n{done.stdout}{done.stderr}")


def ensure_dagster_home(home: Path) -> None:
    """Create the instance folder with the project's dagster.yaml unless it has one."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_pipeline(data_dir: Path) -> dict[str, int]:
    """Materialize every asset for every log date present in `data_dir`; return mart row counts."""
    data_dir = data_dir.resolve()
    if not data_dir.is_dir():
        raise RunError(f"data directory {data_dir} does not exist")
    os.environ[DATA_DIR_ENV] = str(data_dir)
    os.environ.setdefault("DAGSTER_HOME", str(data_dir / ".dagster"))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    ensure_dagster_home(Path(os.environ["DAGSTER_HOME"]))

    try:
        files = discover(data_dir)
    except LogFileError as exc:
        raise RunError(str(exc)) from None
    keys = log_dates(files)
    if not keys:
        raise RunError(
            f"no log files under {data_dir / 'raw'} (expected raw/<feed>/YYYY-MM-DD.jsonl)"
        )
    _say(f"[run] {data_dir}: {len(files)} files, {len(keys)} log dates ({keys[0]} .. {keys[-1]})")

    with warehouse_lock(data_dir):
        started = time.monotonic()
        _say("[run] preparing dbt manifest")
        prepare_dbt_manifest()

        import dagster as dg

        warnings.filterwarnings("ignore", category=dg.BetaWarning)
        from .definitions import defs
        from .partitions import LOG_DATE_PARTITIONS_NAME

        instance = dg.DagsterInstance.get()
        known = set(instance.get_dynamic_partitions(LOG_DATE_PARTITIONS_NAME))
        new = [k for k in keys if k not in known]
        if new:
            instance.add_dynamic_partitions(LOG_DATE_PARTITIONS_NAME, new)
        ordered = instance.get_dynamic_partitions(LOG_DATE_PARTITIONS_NAME)
        # A range over every registered key (insertion order); keys without a file here load
        # nothing, unchanged files are skipped by the loaders.
        tags = {
            "dagster/asset_partition_range_start": ordered[0],
            "dagster/asset_partition_range_end": ordered[-1],
            "source": "run_command",
        }
        job = defs.resolve_job_def("pipeline")
        # dbt's own log lines go to stdout; keep them in a file, the terminal gets progress.
        log_path = Path(os.environ["DAGSTER_HOME"]) / "last_run.log"
        _say(f"[run] running all assets for {len(ordered)} log dates; dbt log: {log_path}")
        with open(log_path, "w") as log, redirect_stdout(log):
            result = job.execute_in_process(
                instance=instance,
                tags=tags,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            )
        if not result.success:
            failures = result.get_step_failure_events()
            if failures:
                event = failures[0]
                error = event.step_failure_data.error
                while error is not None and error.cause is not None:
                    if not (error.cls_name or "").startswith("Dagster"):
                        break  # the first exception that is ours, not Dagster's wrapper
                    error = error.cause
                detail = error.message.strip() if error else "unknown error"
                raise RunError(f"step {event.step_key} failed: {detail}")
            raise RunError(f"run {result.run_id} failed")
        _say(f"[run] done in {time.monotonic() - started:.1f}s (run id {result.run_id})")
    return summarize(data_dir)


def summarize(data_dir: Path) -> dict[str, int]:
    import duckdb

    from .publish import quote_identifier

    path = published_marts_path(data_dir)
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        return {
            t: con.execute(f"SELECT count(*) FROM {quote_identifier(t)}").fetchone()[0]
            for t in tables
        }
