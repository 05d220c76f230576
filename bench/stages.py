"""Where a run's time went: Dagster's step timings and dbt's per-node timings, by stage.

Stages (issue 5): `load` (the raw_* steps), `staging` (dbt models in models/staging),
`marts` (dbt models in intermediate, marts and audit, and seeds), `tests` (dbt's data tests,
which Dagster records as asset checks), `checks` (the project's own blocking checks),
`publish`. dbt node times are thread-seconds (dbt runs two threads), so staging + marts +
tests can exceed the dbt step's wall time; `dbt_overhead` is the step's wall time not spent
in any node (start-up, parsing, connections).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from dagster_project.cli.instance import open_instance

STAGE_OF_FOLDER = {
    "staging": "staging",
    "intermediate": "marts",
    "marts": "marts",
    "audit": "marts",
}


def dbt_stage(node: dict) -> str:
    """The stage of one dbt node from the manifest (`resource_type`, `original_file_path`)."""
    kind = node["resource_type"]
    if kind in ("test", "unit_test"):
        return "tests"
    if kind != "model":
        return "marts"  # seeds (the commission rates) and the on-run-start hook
    folder = Path(node["original_file_path"]).parts[1]  # models/<folder>/<file>.sql
    return STAGE_OF_FOLDER.get(folder, "marts")


def dbt_node_seconds(target_dir: Path) -> dict[str, float]:
    """Thread-seconds per stage from one dbt invocation's run_results.json and manifest.json."""
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    manifest = json.loads((target_dir / "manifest.json").read_text())
    nodes = {**manifest["nodes"], **manifest.get("unit_tests", {})}
    seconds: dict[str, float] = defaultdict(float)
    for result in results:
        node = nodes.get(result["unique_id"])
        if node is not None:
            seconds[dbt_stage(node)] += result["execution_time"]
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
