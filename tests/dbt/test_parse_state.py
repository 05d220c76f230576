"""A run's dbt reuses the project's saved parse: no per-run setting is read while dbt parses.

dbt records each environment variable a file reads while it is parsed, and parses that file
again whenever the variable's value differs from the recorded one. The per-run settings
(defs/transform/dbt_vars.py: the log dates, whether deduplication is rebuilt, and the period
a close computes) change from one run to the next, so the macros read them only while dbt
executes; one read while parsing costs the next run with another value a partial re-parse
(≈ 2 s: rebuild_deduplication alone made 8 files parse again).
"""

from __future__ import annotations

from pathlib import Path

import msgpack

from dagster_project.defs.payouts.close import PAYOUT_PERIOD_ENV
from dagster_project.defs.transform.dbt_vars import dbt_run_environment, dbt_vars_for_run

THRESHOLD = "PARTNER_DBT_PAYOUT_THRESHOLD_USD"


def test_no_per_run_setting_is_read_while_dbt_parses(dbt_manifest: Path):
    per_run = {*dbt_run_environment(dbt_vars_for_run(["2026-11-01"], None)), PAYOUT_PERIOD_ENV}
    assert per_run == {
        "PARTNER_DBT_LOG_DATES",
        "PARTNER_DBT_REBUILD_DEDUPLICATION",
        "PARTNER_DBT_PAYOUT_PERIOD",
    }
    state = msgpack.unpackb(
        (dbt_manifest.parent / "partial_parse.msgpack").read_bytes(),
        raw=False,
        strict_map_key=False,
    )
    read = {path: set(f.get("env_vars") or []) for path, f in state["files"].items()}
    assert {path: names & per_run for path, names in read.items() if names & per_run} == {}
    # the check can see a read: the payout threshold is read while parsing (a setting, not a
    # per-run value), and recorded for the two models that use it
    assert sorted(path for path, names in read.items() if THRESHOLD in names) == [
        "partner_commissions://models/intermediate/payouts/int_closed_periods.sql",
        "partner_commissions://models/intermediate/payouts/int_payout_period.sql",
    ]
