"""dbt's unit tests (`unit_tests:` beside the models: parsing, rejection reasons, rounding,
eligibility) on fixtures. Production runs leave them out (`--exclude-resource-type unit_test`),
so this is where they run."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from dagster_project.defs.ingest.ledger_loading import ensure_ledger_schema
from dagster_project.defs.ingest.raw_loading import ensure_raw_schema
from tests.dbt_commands import dbt_command


def test_every_dbt_unit_test_passes(tmp_path: Path, dbt_manifest: Path):
    expected = len(json.loads(dbt_manifest.read_text())["unit_tests"])
    assert expected >= 10  # the suite beside the models, not an empty selection
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)  # the models' sources: the feeds and the ledger
        ensure_ledger_schema(con)

    def dbt(*args: str) -> None:
        done = dbt_command(warehouse, tmp_path / "target", *args)
        assert done.returncode == 0, done.stdout[-4000:]

    # A unit test reads its model's parents' columns: build every model empty first (dbt's
    # way to run unit tests without data), then the unit tests alone.
    dbt("build", "--empty", "--resource-type", "model", "--resource-type", "seed")
    dbt("test", "--select", "test_type:unit")
    results = [
        r
        for r in json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
        if r["unique_id"].startswith("unit_test.")  # not the on-run-start hook
    ]
    assert len(results) == expected
    assert {r["status"] for r in results} == {"pass"}
