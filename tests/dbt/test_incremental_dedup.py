"""Deduplication on an incremental night equals deduplication from scratch; the key tests of
a night look at its rows and still catch their duplicates.

A night that only adds log dates re-ranks just the events delivered in them
(dbt var rebuild_deduplication = false); a reloaded log date rebuilds deduplication. Each
night below is checked against a from-scratch build of the same raw files:
  1. 2026-10-02 delivers clicks c1 and c2;
  2. a late file for 2026-10-01 delivers c1 again, with another partner: being earlier, it
     becomes c1's first delivery and 10-02's copy a redelivery pointing at it;
  3. 2026-10-03 redelivers c1 and delivers c3;
  4. 2026-10-01's file is replaced without c1 (a reload): 10-02's copy is first again.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb

from dagster_project.defs.transform.dbt_vars import FULL_REFRESH_VARS, dbt_vars_for_run
from tests.dbt.nights import dbt_run, from_scratch, load, write
from tests.dbt_commands import check_row_rules_of, dbt_command


def click(click_id: str, partner: str, ts: str = "2026-09-30T10:00:00Z") -> str:
    return json.dumps({"click_id": click_id, "ts": ts, "partner_id": partner, "visitor_id": "v"})


SELECTED = "+stg_clicks +audit_duplicate_events"  # with every base model they read


def dbt(warehouse: Path, target: Path, vars_: dict, *args: str) -> None:
    dbt_run(warehouse, target, SELECTED, vars_, *args)


def dedup_state(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            "stg": con.execute(
                "SELECT click_id, partner_id, log_date::VARCHAR FROM staging.stg_clicks ORDER BY 1"
            ).fetchall(),
            "duplicates": con.execute(
                "SELECT event_id, log_date::VARCHAR, first_log_date::VARCHAR, same_payload"
                " FROM audit.duplicate_events WHERE feed = 'clicks' ORDER BY 1, 2"
            ).fetchall(),
        }


def test_incremental_nights_deduplicate_like_a_build_from_scratch(tmp_path: Path, dbt_manifest):
    raw, warehouse = tmp_path / "raw", tmp_path / "nights" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    nights = [
        ("2026-10-02", [click("c1", "P2"), click("c2", "P2")]),
        ("2026-10-01", [click("c1", "P1")]),
        ("2026-10-03", [click("c1", "P3"), click("c3", "P3")]),
        ("2026-10-01", [click("c4", "P1")]),
    ]
    expected_rebuild = [False, False, False, True]
    for number, (day, lines) in enumerate(nights):
        write(raw, "clicks", day, lines)
        seen = load(warehouse, raw, ["clicks"], [day])
        vars_ = dbt_vars_for_run([day], seen)
        assert vars_["rebuild_deduplication"] is expected_rebuild[number], (day, seen)
        dbt(warehouse, tmp_path / "target", vars_)
        if number > 0:  # the first night is a build from scratch
            scratch = from_scratch(
                tmp_path, raw, f"scratch{number}", ["clicks"], SELECTED, dedup_state
            )
            assert dedup_state(warehouse) == scratch, day

    final = dedup_state(warehouse)
    assert final["stg"] == [
        ("c1", "P2", "2026-10-02"),
        ("c2", "P2", "2026-10-02"),
        ("c3", "P3", "2026-10-03"),
        ("c4", "P1", "2026-10-01"),
    ]
    assert final["duplicates"] == [("c1", "2026-10-03", "2026-10-02", False)]
    key_tests_of_a_night_look_at_its_rows_and_catch_their_duplicates(warehouse, tmp_path / "target")
    stg_row_rules_of_a_night_look_at_the_events_first_delivered_on_it(
        warehouse, tmp_path / "target"
    )


def key_check_statuses(warehouse: Path, target: Path, vars_: dict) -> dict[str, str]:
    """With the run's vars: base_clicks's row rules, its key included, checked as its build
    checks them (run-operation check_row_rules_of), and the `dbt test` of stg_clicks's
    key test; 'pass' or 'fail' by name."""
    rules = check_row_rules_of(warehouse, target, "base_clicks", vars_)
    statuses = {"row_rules of base_clicks": "pass" if rules.returncode == 0 else "fail"}
    if rules.returncode != 0:
        assert "unique key (log_date, file_name, line_number)" in rules.stdout, rules.stdout
    dbt_command(
        warehouse,
        target,
        "test",
        "--select",
        "test_name:unique_delivered_keys,stg_clicks",
        vars_=vars_,
    )
    results = json.loads((target / "run_results.json").read_text())["results"]
    statuses.update(
        (r["unique_id"].split(".")[2], r["status"])
        for r in results
        if r["unique_id"].startswith("test.")
    )
    return statuses


def key_tests_of_a_night_look_at_its_rows_and_catch_their_duplicates(
    warehouse: Path, target: Path
) -> None:
    """The base and stg key tests of a night (log_dates = [10-03], deduplication not rebuilt)
    look only at 10-03's lines and at the events delivered on 10-03: a duplicate there fails
    them; a duplicate among older rows (c2, delivered on 10-02 only) only fails the tests of
    a run over every log date."""
    night = dbt_vars_for_run(["2026-10-03"], [])

    def duplicate(older: bool) -> None:
        """Each model as built, then one row of 10-02 (older) or of 10-03 (the night) twice."""
        day, click_id = ("2026-10-02", "c2") if older else ("2026-10-03", "c3")
        with duckdb.connect(str(warehouse)) as con:
            for model in ("base_clicks", "stg_clicks"):
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE kept AS SELECT DISTINCT * FROM staging.{model}"
                )
                con.execute(f"DELETE FROM staging.{model}")
                con.execute(f"INSERT INTO staging.{model} SELECT * FROM kept")
            con.execute(
                "INSERT INTO staging.base_clicks SELECT * FROM staging.base_clicks"
                " WHERE log_date = ?",
                [day],
            )
            con.execute(
                "INSERT INTO staging.stg_clicks SELECT * FROM staging.stg_clicks"
                " WHERE click_id = ?",
                [click_id],
            )

    duplicate(older=True)
    statuses = key_check_statuses(warehouse, target, night)
    assert sorted(statuses) == [
        "row_rules of base_clicks",  # its key (log_date, file_name, line_number) included
        "unique_delivered_keys_stg_clicks_click_id__ref_base_clicks_",
    ]
    assert set(statuses.values()) == {"pass"}
    assert set(key_check_statuses(warehouse, target, FULL_REFRESH_VARS).values()) == {"fail"}
    duplicate(older=False)
    assert set(key_check_statuses(warehouse, target, night).values()) == {"fail"}


def stg_row_rules_of_a_night_look_at_the_events_first_delivered_on_it(
    warehouse: Path, target: Path
) -> None:
    """stg_clicks's row rules on a night (log_dates = [10-03], deduplication not rebuilt) look
    only at the rows of events first delivered on 10-03: c1 (first delivered on 10-02,
    delivered again on 10-03 and written again as it was) breaking a rule fails them only on a
    run over every log date; c3 (first delivered on 10-03, twice in the table by now) fails
    them on the night."""
    night = dbt_vars_for_run(["2026-10-03"], [])

    def check(vars_: dict) -> subprocess.CompletedProcess:  # stg_clicks's rules, these vars
        return check_row_rules_of(warehouse, target, "stg_clicks", vars_)

    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE staging.stg_clicks SET partner_id = NULL WHERE click_id = 'c1'")
    assert check(night).returncode == 0
    every_row = check(FULL_REFRESH_VARS)
    assert every_row.returncode != 0
    assert "not_null partner_id: 1 row(s)" in every_row.stdout, every_row.stdout[-2000:]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE staging.stg_clicks SET partner_id = NULL WHERE click_id = 'c3'")
    on_the_night = check(night)
    assert on_the_night.returncode != 0
    assert "not_null partner_id: 2 row(s)" in on_the_night.stdout, on_the_night.stdout[-2000:]
