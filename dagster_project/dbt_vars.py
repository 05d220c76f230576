"""dbt vars for a run, built by small pure functions (unit-tested).

The pipeline passes a run's vars as environment variables `PARTNER_DBT_<NAME>` (JSON), which
the project's `run_setting` macro reads before `var()`: a changed `--vars` makes dbt re-parse
the whole project on every run, a changed environment variable only the files that read it.
"""

from __future__ import annotations

import json
from datetime import date


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
