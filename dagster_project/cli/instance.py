"""The Dagster instance the run command records its runs in, and settling the runs a killed
run command left "in progress"."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster_project.core.paths import REPO_ROOT
from dagster_project.core.tags import DATA_DIR_TAG, RUN_COMMAND_SOURCE, SOURCE_TAG

from .errors import RunError
from .errors import say as _say


def ensure_dagster_home(home: Path) -> None:
    """Create the instance folder with the project's dagster.yaml unless it has one."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")


@contextmanager
def open_instance(home: Path) -> Iterator:
    """The Dagster instance in `home` (its dagster.yaml), opened from outside a run: the event
    log storage (dagster_project/event_log_storage.py) finds its files under $DAGSTER_HOME, so
    that is `home` while the instance opens."""
    import dagster as dg

    from dagster_project.defs.transform.dbt_vars import environment

    with (
        environment({"DAGSTER_HOME": str(home)}),
        dg.DagsterInstance.from_config(str(home)) as instance,
    ):
        yield instance


def settle_in_progress_runs(instance, data_dir: Path) -> None:
    """Refuse while a run launched elsewhere (daemon, UI) is in progress; mark failed the runs of
    this command that a crash or kill -9 left "in progress" (this process holds the lock, so
    no other run command is alive). Runs of another data directory sharing the instance are
    not this command's business."""
    import dagster as dg

    active = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=[
                dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.STARTED,
                dg.DagsterRunStatus.CANCELING,
            ]
        )
    )
    for run in active:
        if run.tags.get(DATA_DIR_TAG, str(data_dir)) != str(data_dir):
            continue
        if run.tags.get(SOURCE_TAG) == RUN_COMMAND_SOURCE:
            instance.report_run_failed(
                run, "marked failed by the next run command: its process was gone"
            )
            # A pool slot a dead process claimed would make every later run wait for it.
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            _say(f"[run] earlier run {run.run_id} had died (killed or crashed); marked failed")
        else:
            origin = (
                run.tags.get(SOURCE_TAG) or run.tags.get("dagster/schedule_name") or "from the UI"
            )
            raise RunError(
                f"run {run.run_id} ({origin}) "
                f"is {run.status.value.lower()} in the Dagster instance and holds the warehouse; "
                "wait for it to finish (or terminate it in the UI), then run again"
            )
