"""Dagster's processes run dagster-dbt without dbt-core (core/dbt_out_of_process.py): the
definitions they build must be those of a process that imports dbt. Building them reads
dbt's manifest, prepared by the `dbt_manifest` fixture (a fresh clone has none)."""

import json
import os
import subprocess
import sys

DESCRIBE_DEFINITIONS = """
import json, sys
if sys.argv[1] == "with-dbt":
    import dagster_dbt  # imports dbt-core: dagster_project.defs then leaves it in the process
import dagster_project.definitions as d
graph = d.defs.resolve_asset_graph()
assets = sorted(
    [
        key.to_user_string(),
        sorted(parent.to_user_string() for parent in graph.get(key).parent_keys),
        str(graph.get(key).partitions_def),
        graph.get(key).group_name,
        sorted(graph.get(key).tags.items()),
        sorted(graph.get(key).metadata),
    ]
    for key in graph.get_all_asset_keys()
)
checks = sorted([c.asset_key.to_user_string(), c.name] for c in graph.asset_check_keys)
jobs = sorted(job.name for job in d.defs.jobs or [])
loaded = [name for name, module in sys.modules.items() if module is not None]
dbt = sorted(name for name in loaded if name == "dbt" or name.startswith("dbt."))
print(json.dumps({"assets": assets, "checks": checks, "jobs": jobs, "dbt_modules": dbt}))
"""


def describe(mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", DESCRIBE_DEFINITIONS, mode],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "DAGSTER_IS_DEV_CLI"},
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_the_definitions_without_dbt_in_the_process_are_the_same(dbt_manifest):
    with_dbt, without_dbt = describe("with-dbt"), describe("without-dbt")
    assert with_dbt["dbt_modules"]  # dagster-dbt imports dbt-core when it can
    assert without_dbt["dbt_modules"] == []
    assert len(with_dbt["assets"]) > 50 and len(with_dbt["checks"]) > 20
    for part in ("assets", "checks", "jobs"):
        assert without_dbt[part] == with_dbt[part], part
