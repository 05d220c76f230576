"""Nights of raw files for the tests that check an incremental night against a build from
scratch: write a feed's file of a log date, load log dates as a run loads them, run dbt on a
selection as a run runs it, and build the same raw files from scratch."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar

import duckdb

from dagster_project.defs.ingest.raw_loading import ensure_raw_schema, load_partition
from dagster_project.defs.transform.dbt_vars import FULL_REFRESH_VARS
from dagster_project.defs.transform.dedup_state import log_dates_seen_by_deduplication
from tests.dbt_commands import dbt_command

State = TypeVar("State")


def write(raw: Path, feed: str, day: str, lines: list[str]) -> None:
    """`raw/<feed>/<day>.jsonl` with `lines`, newer than any earlier version of it."""
    path = raw / feed / f"{day}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines))
    stamp = path.stat().st_mtime_ns + 1_000_000_000  # a rewrite is a change even within 1 s
    os.utime(path, ns=(stamp, stamp))


def load(warehouse: Path, raw: Path, feeds: Iterable[str], days: list[str]) -> list[str]:
    """Load `days` of `feeds`; return the dates deduplication saw before (dbt var)."""
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)
        for feed in feeds:
            for day in days:
                paths = sorted((raw / feed).glob(f"{day}.jsonl"))
                load_partition(con, feed, date.fromisoformat(day), paths)
        return log_dates_seen_by_deduplication(con, days)


def dbt_run(warehouse: Path, target: Path, select: str, vars_: dict, *args: str) -> None:
    """`dbt run --select <select>` with a run's vars."""
    done = dbt_command(warehouse, target, "run", "--select", select, *args, vars_=vars_)
    assert done.returncode == 0, done.stdout[-4000:]


def from_scratch(
    tmp_path: Path,
    raw: Path,
    name: str,
    feeds: Iterable[str],
    select: str,
    state: Callable[[Path], State],
) -> State:
    """`state` of a warehouse built from scratch (--full-refresh) from every file of `feeds`."""
    feeds = list(feeds)
    warehouse = tmp_path / name / "warehouse.duckdb"
    warehouse.parent.mkdir()
    days = sorted({p.name[:10] for feed in feeds for p in (raw / feed).glob("*.jsonl")})
    load(warehouse, raw, feeds, days)
    dbt_run(warehouse, tmp_path / "target", select, FULL_REFRESH_VARS, "--full-refresh")
    return state(warehouse)
