"""Progress lines: to the Dagster log and, for the run command, to the terminal."""

from __future__ import annotations

import sys

import dagster as dg


def report(context: dg.AssetExecutionContext | dg.OpExecutionContext, message: str) -> None:
    context.log.info(message)
    progress(message)


def progress(message: str) -> None:
    """A line for the terminal only: for what the run's own events already record (a dbt
    model's materialization), where a log event each would cost one event-log write more."""
    print(message, file=sys.stderr, flush=True)
