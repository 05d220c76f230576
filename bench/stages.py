"""Where a run's time went: Dagster's step timings and dbt's per-node timings, by stage.

Stages (issue 5): `load` (the raw_* steps), `staging` (dbt models in models/staging),
`marts` (dbt models in intermediate, marts and audit, and seeds), `tests` (dbt's data tests,
which Dagster records as asset checks), `checks` (the project's own blocking checks),
`publish`. dbt node times are thread-seconds (dbt runs two threads), so staging + marts +
tests can exceed the dbt step's wall time; `dbt_overhead` is the step's wall time not spent
in any node (start-up, parsing, connections).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from dagster_project.cli.instance import open_instance

STAGE_OF_SCHEMA = {
    "staging": "staging",
    "intermediate": "marts",
    "marts": "marts",
    "audit": "marts",
    "config": "marts",  # the seed (commission rates)
}


def dbt_stage(asset_key: list[str], is_check: bool) -> str:
    """The stage of one dbt node from its Dagster asset key (`<schema>/<name>`)."""
    if is_check:
        return "tests"
    return STAGE_OF_SCHEMA.get(asset_key[0], "marts")


def dbt_nodes(instance, run_id: str):
    """(when recorded, asset key path, is a data test, seconds) of each dbt node of one run:
    the `Execution Duration` dagster-dbt records on each model's materialization and each data
    test's check evaluation (the run command's dbt writes no run_results.json:
    defs/transform/dbt_models.py). Not the loaders', publishing's or our own checks' events."""
    import dagster as dg

    kinds = {dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION}
    for record in instance.all_logs(run_id, of_type=kinds):
        event = record.dagster_event
        data = event.event_specific_data
        is_check = event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        record_of = data if is_check else data.materialization
        duration = record_of.metadata.get("Execution Duration")
        if duration is not None:
            yield record.timestamp, record_of.asset_key.path, is_check, float(duration.value)


def dbt_node_seconds(dagster_home: Path, run_id: str) -> dict[str, float]:
    """Thread-seconds per stage of one run's dbt nodes (dbt_nodes)."""
    seconds: dict[str, float] = defaultdict(float)
    with open_instance(dagster_home) as instance:
        for _, key, is_check, duration in dbt_nodes(instance, run_id):
            seconds[dbt_stage(key, is_check)] += duration
    return dict(seconds)


def step_stage(step_key: str) -> str:
    if step_key.startswith("raw__"):
        return "load"
    if step_key.startswith("dbt_models"):
        return "dbt"
    if step_key.startswith("published"):
        return "publish"
    return "checks"


def dagster_step_seconds(dagster_home: Path, run_id: str) -> dict[str, float]:
    """Wall seconds per stage (load, dbt, checks, publish) and `run` from the run's instance."""

    with open_instance(dagster_home) as instance:
        seconds: dict[str, float] = defaultdict(float)
        for step in instance.get_run_step_stats(run_id):
            if step.start_time and step.end_time:
                seconds[step_stage(step.step_key)] += step.end_time - step.start_time
        stats = instance.get_run_stats(run_id)
        if stats.start_time and stats.end_time:
            seconds["run"] = stats.end_time - stats.start_time
    return dict(seconds)
