"""Closing a period (SPEC §6): `python -m dagster_project close-month --data-dir DIR YYYY-MM`
and the Dagster job `close_month` (config `month`).

The close runs after the pipeline has processed every new or changed log file (the run
command's load runs, then the `close_month` job: the `transform` job's assets plus the
`payouts/close` asset between dbt and publishing). The asset:
1. refuses, writing nothing, when the month is closed already, is not the month after the
   last closed period (the first close may be any month), or is not over by the as-of date;
2. reads the payout lines of the month from `intermediate.int_open_payout_lines` (the model
   behind payout_preview, built for this month) and writes `ledger/YYYY-MM.jsonl`
   atomically: the rename is the commit point, a kill before it leaves no trace;
3. reloads the ledger and rebuilds the models downstream of it (dbt), so the publishing step
   that follows shows the period closed; publishing then writes `payouts/YYYY-MM.csv`.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from dagster_project.defs.payouts.ledger import (
    LedgerError,
    closed_periods,
    last_day,
    ledger_dir,
    ledger_files,
    ledger_text,
    month_text,
    next_month,
    parse_month,
    remove_stale_temp_files,
    write_atomically,
)

PAYOUT_PERIOD_ENV = "PARTNER_DBT_PAYOUT_PERIOD"
CLOSE_ASSET_OP = "payouts__close"  # the op of asset payouts/close (run config key)


REFUSED = "refused: "


class CloseRefused(RuntimeError):
    """A close that must not happen; the one-line message says why. Nothing was written."""

    def __init__(self, reason: str) -> None:
        super().__init__(REFUSED + reason)


def refusal(data_dir: Path, month: date, as_of: date | None) -> str | None:
    """Why closing `month` is refused now, or None. `as_of` None: not known yet."""
    try:
        closed = closed_periods(data_dir)
    except LedgerError as exc:
        return str(exc)
    name = month_text(month)
    if month in closed:
        return f"{name} is already closed (ledger/{name}.jsonl); a closed period never changes"
    if closed and month != next_month(closed[-1]):
        return (
            f"{name} is not the month after the last closed period {month_text(closed[-1])}; "
            f"close {month_text(next_month(closed[-1]))} next"
        )
    if as_of is not None and as_of < last_day(month):
        return (
            f"{name} is not over by the as-of date {as_of.isoformat()} (the latest log date); "
            f"close it once logs through {last_day(month).isoformat()} are in"
        )
    return None


def as_of_from_files(data_dir: Path) -> date | None:
    """SPEC §3's as-of date from the file names: the latest log date with a delivered file."""
    from dagster_project.core.log_files import discover

    files = discover(data_dir)
    return max((f.log_date for f in files), default=None)


def close_run_config(month: date) -> dict:
    return {"ops": {CLOSE_ASSET_OP: {"config": {"month": month_text(month)}}}}


@dataclass(frozen=True)
class CloseResult:
    period: date
    lines: int
    ledger_file: Path


def open_payout_period(con: duckdb.DuckDBPyConnection) -> tuple[date | None, object]:
    row = con.execute("select period, threshold_usd from intermediate.int_payout_period").fetchone()
    return (row[0], row[1]) if row else (None, None)


def warehouse_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute("select as_of_date from intermediate.int_as_of_date").fetchone()
    return row[0] if row else None


def run_dbt_build(select: list[str], env: dict[str, str]) -> None:
    """`dbt build --select ...` in the project's target directory; RuntimeError on failure."""
    from dagster_project.defs.resources import dbt_project_args, run_dbt_executable

    command = [
        run_dbt_executable(),  # dies with this process (a kill -9 of the close takes it along)
        "build",
        "--select",
        *select,
        "--exclude-resource-type",
        "unit_test",
        *dbt_project_args(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env})
    if done.returncode != 0:
        failing = [line for line in done.stdout.splitlines() if "FAIL" in line or "ERROR" in line]
        detail = "; ".join(failing[-5:]) or done.stdout[-2000:] + done.stderr[-2000:]
        raise RuntimeError(f"dbt build {' '.join(select)} failed: {detail}")


def payout_lines_for(con: duckdb.DuckDBPyConnection, month: date) -> list[dict]:
    rows = con.execute(
        "select sale_id, tier, partner_id, delta_usd::varchar, kind, paid_total_usd::varchar"
        " from intermediate.int_open_payout_lines where period = ?"
        " order by partner_id, sale_id, tier",
        [month],
    ).fetchall()
    return [
        {
            "period": month_text(month),
            "sale_id": sale_id,
            "tier": int(tier),
            "partner_id": partner_id,
            "delta_usd": delta,
            "kind": kind,
            "paid_total_usd": total,
        }
        for sale_id, tier, partner_id, delta, kind, total in rows
    ]


def close_period(
    data_dir: Path, month: date, con_factory, dbt_env: dict[str, str], say
) -> CloseResult:
    """Steps 1-3 of the module docstring; `con_factory()` opens the warehouse."""
    remove_stale_temp_files(ledger_dir(data_dir))
    with con_factory() as con:
        as_of = warehouse_as_of(con)
        period, _ = open_payout_period(con)
    reason = refusal(data_dir, month, as_of)
    if reason is None and as_of is None:
        reason = "the warehouse has no as-of date (no valid log line loaded)"
    if reason:
        raise CloseRefused(reason)
    if period != month:  # the first close, of another month than the preview's
        say(f"[close] computing the payout lines of {month_text(month)}")
        run_dbt_build(
            ["int_payout_period+"],
            {**dbt_env, PAYOUT_PERIOD_ENV: json.dumps(month_text(month))},
        )
    with con_factory() as con:
        period, threshold = open_payout_period(con)
        if period != month:
            raise RuntimeError(f"payout lines were built for {period}, not {month_text(month)}")
        lines = payout_lines_for(con, month)
    closed_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for line in lines:
        line["threshold_usd"] = str(threshold)
        line["closed_at"] = closed_at
    target = ledger_dir(data_dir) / f"{month_text(month)}.jsonl"
    write_atomically(target, ledger_text(lines), exclusive=True)  # the commit point
    say(f"[close] wrote {target} ({len(lines):,} payout lines)")
    from dagster_project.defs.ingest.ledger_loading import load_ledger

    with con_factory() as con:
        load_ledger(con, data_dir)
    say("[close] ledger reloaded; rebuilding the payout models")
    run_dbt_build(
        ["source:raw.ledger+", "source:raw.ledger_files+"], {**dbt_env, PAYOUT_PERIOD_ENV: ""}
    )
    return CloseResult(month, len(lines), target)


__all__ = ["CloseRefused", "close_period", "ledger_files", "parse_month", "refusal"]
