"""`python -m dagster_project run --data-dir DIR`: load the log dates to do, then transform.

In-process, the two jobs the daemon chains (jobs.py): one `load_logs` run per stretch of
consecutive log dates to do, then one unpartitioned `transform` run (dbt build with its
tests, the checks, publishing).
"""

from __future__ import annotations

import os
import time
import warnings
from contextlib import ExitStack, redirect_stdout
from datetime import date, timedelta
from pathlib import Path

from dagster_project.core.feeds import FEEDS
from dagster_project.core.log_files import LogFileError, RawFileError, discover, log_dates
from dagster_project.core.paths import DATA_DIR_ENV, published_marts_path, warehouse_path
from dagster_project.core.tags import RUN_COMMAND_SOURCE, SOURCE_TAG, range_tags
from dagster_project.defs.ingest.ledger_loading import ledger_needs_loading
from dagster_project.defs.ingest.partitions import FIRST_LOG_DATE, out_of_range_log_dates
from dagster_project.defs.ingest.pending_work import pending_log_dates, write_state_copy
from dagster_project.defs.ingest.raw_loading import WarehouseBusy, read_load_state
from dagster_project.defs.payouts.payout_files import write_missing_payout_files

from .errors import RunError, failed_checks, one_line, raise_if_failed
from .errors import say as _say
from .instance import ensure_dagster_home, settle_in_progress_runs
from .lock import warehouse_lock
from .manifest import manifest_is_current, prepare_dbt_manifest
from .summary import summarize
from .warm_dbt import warm_dbt

PLANNED_EVENTS_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"


def contiguous_segments(dates: list[str]) -> list[tuple[str, str]]:
    """(first, last) of each stretch of consecutive calendar days among ISO `dates`, in order.

    A run over a range of partitions costs Dagster bookkeeping for every date in it, also the
    dates without a file: a year-old late file and last month's are two short runs, not one
    run over the year between them."""
    days = sorted({date.fromisoformat(d) for d in dates})
    segments: list[tuple[str, str]] = []
    for day in days:
        if segments and date.fromisoformat(segments[-1][1]) + timedelta(days=1) == day:
            segments[-1] = (segments[-1][0], day.isoformat())
        else:
            segments.append((day.isoformat(), day.isoformat()))
    return segments


def run_pipeline(
    data_dir: Path,
    *,
    full_refresh: bool = False,
    final_job: str = "transform",
    final_run_config: dict | None = None,
) -> list[str]:
    """Load the log dates of `data_dir` that are new, changed or pending, transform, check and
    publish; return the summary's lines (summary.py). `final_job` replaces `transform`
    (close-month runs `close_month`, which always runs, also with no new log file). Every
    failure is a RunError (one line)."""
    import duckdb

    try:
        return _run_pipeline(
            data_dir,
            full_refresh=full_refresh,
            final_job=final_job,
            final_run_config=final_run_config,
        )
    except (LogFileError, RawFileError, WarehouseBusy) as exc:
        raise RunError(str(exc)) from None
    except duckdb.Error as exc:
        raise RunError(one_line(f"warehouse error: {exc}")) from None
    except OSError as exc:  # permission denied, disk full, ...
        where = f" ({exc.filename})" if exc.filename else ""
        raise RunError(f"{exc.strerror or exc}{where}") from None


def _run_pipeline(
    data_dir: Path, *, full_refresh: bool, final_job: str, final_run_config: dict | None
) -> list[str]:
    data_dir = data_dir.resolve()
    if not data_dir.is_dir():
        raise RunError(f"data directory {data_dir} does not exist")
    os.environ[DATA_DIR_ENV] = str(data_dir)
    os.environ.setdefault("DAGSTER_HOME", str(data_dir / ".dagster"))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    # One "planned" event per asset for a range run, not one per asset and log date: with
    # Dagster's default SQLite storage those events, not the work, dominated long ranges.
    os.environ.setdefault(PLANNED_EVENTS_ENV, "1")
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
    outside = out_of_range_log_dates(keys)
    if outside:
        raise RunError(
            f"log date(s) {', '.join(outside)} have no partition: log dates run from "
            f"{FIRST_LOG_DATE} through today (UTC); rename or move those files"
        )
    _say(f"[run] {data_dir}: {len(files)} files, {len(keys)} log dates ({keys[0]} .. {keys[-1]})")

    with warehouse_lock(data_dir), ExitStack() as for_the_run:
        started = time.monotonic()
        state = read_load_state(warehouse_path(data_dir))
        write_state_copy(data_dir, state)  # what the sensor and schedule read, brought up to date
        if full_refresh:
            todo = keys  # raw files reloaded too (forced), every model rebuilt
        else:
            todo = pending_log_dates(files, state)
            if not todo and not published_marts_path(data_dir).exists():
                todo = keys[-1:]  # nothing to load, but the marts were never published
        ledger_changed = ledger_needs_loading(data_dir, warehouse_path(data_dir))
        if not todo and not ledger_changed and final_job == "transform":
            _say(
                "[run] nothing to do: every log file is unchanged since it was loaded and "
                f"transformed, and {published_marts_path(data_dir).name} is current"
            )
            write_missing_payout_files(data_dir, published_marts_path(data_dir))
            return summarize(data_dir, [])
        # dbt imported (and warmed up) beside the loading, for the build (cli/warm_dbt.py)
        manifest_current = manifest_is_current()
        for_the_run.enter_context(warm_dbt(warm_up=manifest_current))
        if todo:
            _say(f"[run] {len(todo)} log date(s) new, changed or pending ({todo[0]} .. {todo[-1]})")
        if ledger_changed:
            _say("[run] the payout ledger changed since it was loaded")
        if not manifest_current and prepare_dbt_manifest():
            _say("[run] dbt project changed: manifest parsed again")

        import dagster as dg

        warnings.filterwarnings("ignore", category=dg.BetaWarning)
        from dagster_project.definitions import defs

        instance = dg.DagsterInstance.get()
        settle_in_progress_runs(instance, data_dir)
        logging_config: dict = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
        transform_config = {**logging_config, **(final_run_config or {})}
        load_config = dict(logging_config)
        if full_refresh:
            transform_config["ops"] = {"dbt_models": {"config": {"full_refresh": True}}}
            load_config["ops"] = {f"raw__{feed}": {"config": {"force": True}} for feed in FEEDS}
        load_job = defs.resolve_job_def("load_logs")
        transform_job = defs.resolve_job_def(final_job)
        # One load run per stretch of consecutive dates. Dates in a stretch without a new or
        # changed file cost a file-system check each: the loaders skip unchanged files.
        segments = contiguous_segments(todo)
        # dbt's own log lines go to stdout; keep them in a file, the terminal gets progress.
        log_path = Path(os.environ["DAGSTER_HOME"]) / "last_run.log"
        load_run_ids = []
        with open(log_path, "w") as log, redirect_stdout(log):
            for number, (first, last) in enumerate(segments, start=1):
                _say(
                    f"[run] loading log dates {first} .. {last} "
                    f"({number} of {len(segments)} segment{'s' if len(segments) > 1 else ''})"
                )
                result = load_job.execute_in_process(
                    instance=instance,
                    tags={**range_tags(first, last), SOURCE_TAG: RUN_COMMAND_SOURCE},
                    raise_on_error=False,
                    run_config=load_config,
                )
                raise_if_failed(result, data_dir)
                load_run_ids.append(result.run_id)
            _say(f"[run] transforming, checking, publishing; dbt log: {log_path}")
            # Nothing new to transform (close-month on current data): only the job's assets
            # that are not the transform's, and publishing.
            current = not todo and not ledger_changed and final_job != "transform"
            result = transform_job.execute_in_process(
                instance=instance,
                asset_selection=final_job_only_assets(defs, final_job) if current else None,
                tags={SOURCE_TAG: RUN_COMMAND_SOURCE},
                raise_on_error=False,
                run_config=transform_config,
            )
            raise_if_failed(result, data_dir)
            import dagster as dg

            warned = failed_checks(result, dg.AssetCheckSeverity.WARN)
        _say(
            f"[run] done in {time.monotonic() - started:.1f}s (run id {result.run_id}; "
            f"load run id{'s' if len(load_run_ids) > 1 else ''} {', '.join(load_run_ids)})"
        )
    return summarize(data_dir, warned)


def final_job_only_assets(defs, final_job: str) -> list:
    """The assets of `final_job` that `transform` does not have, and publishing."""
    from dagster_project.defs.publish.published_marts import published_marts

    transform = set(defs.resolve_job_def("transform").asset_layer.selected_asset_keys)
    own = set(defs.resolve_job_def(final_job).asset_layer.selected_asset_keys) - transform
    return sorted(own | set(published_marts.keys))
