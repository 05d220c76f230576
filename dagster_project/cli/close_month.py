"""`python -m dagster_project close-month --data-dir DIR YYYY-MM`: refuse early when the ledger or
the file names already say no, else the run command with `close_month` as its final job
(defs/payouts/close.py closes the period)."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.core.log_files import LogFileError
from dagster_project.core.paths import published_marts_path
from dagster_project.defs.payouts.close import (
    REFUSED,
    as_of_from_files,
    close_run_config,
    refusal,
)
from dagster_project.defs.payouts.ledger import LedgerError, ledger_dir, month_text, parse_month

from .errors import RunError
from .lock import warehouse_lock
from .run import run_pipeline


def closed_summary(marts: Path, month: date) -> tuple[int, object]:
    """(partners paid, total paid) of a closed period, from the published file."""
    with duckdb.connect(str(marts), read_only=True) as con:
        return con.execute(
            "select count(*), coalesce(sum(payout_usd), 0) from payouts"
            " where period = ? and payout_usd > 0",
            [month],
        ).fetchone()


def run_close_month(data_dir: Path, month_arg: str) -> int:
    """The command: refuse early when the ledger or the file names already say no, else run
    the pipeline with `close_month` as its final job. Prints progress and the elapsed time;
    returns the exit status (2: refused, nothing written; 1: failed)."""

    def refuse(reason: str) -> int:
        print(f"close-month refused: {reason}", file=sys.stderr)
        return 2

    started = time.monotonic()
    data_dir = data_dir.resolve()
    try:
        month = parse_month(month_arg)
    except LedgerError as exc:
        return refuse(str(exc))
    if not data_dir.is_dir():
        return refuse(f"data directory {data_dir} does not exist")
    try:
        reason = refusal(data_dir, month, as_of_from_files(data_dir))
    except LogFileError as exc:
        reason = str(exc)
    if reason:
        return refuse(reason)
    try:  # a run holding the warehouse: refuse before any progress line
        with warehouse_lock(data_dir):
            pass
    except RunError as exc:
        return refuse(str(exc))
    print(f"[close] closing {month_text(month)} in {data_dir}", file=sys.stderr, flush=True)
    try:
        run_pipeline(data_dir, final_job="close_month", final_run_config=close_run_config(month))
    except RunError as exc:
        message = str(exc)
        marker = message.find(REFUSED)
        if marker >= 0:
            return refuse(message[marker + len(REFUSED) :].splitlines()[0])
        if "holds the warehouse" in message:
            return refuse(message.splitlines()[0])
        print(f"close-month failed: {message}", file=sys.stderr)
        return 1
    partners, total = closed_summary(published_marts_path(data_dir), month)
    name = month_text(month)
    lines = len((ledger_dir(data_dir) / f"{name}.jsonl").read_text().splitlines())
    print(
        f"closed {name}: {lines:,} payout lines, {partners:,} partners paid {total} USD "
        f"(payouts/{name}.csv) in {time.monotonic() - started:.1f}s"
    )
    return 0
