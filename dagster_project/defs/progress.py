"""Progress lines: to the Dagster log and, for the run command, to the terminal."""

from __future__ import annotations

import sys

import dagster as dg


def report(context: dg.AssetExecutionContext | dg.OpExecutionContext, message: str) -> None:
    context.log.info(message)
    print(message, file=sys.stderr, flush=True)
