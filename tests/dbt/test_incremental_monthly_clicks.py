"""A night's int_monthly_clicks equals the same table built from scratch.

A night recomputes the months its new clicks fall in, from every click of those months; on
DuckDB it reads only the clicks from the first such month on
(dbt/macros/incremental/new_click_months.sql). The nights below deliver late clicks of
earlier months, so a bound taken from anything but the earliest new click (the night's log
date, its month, the latest new click) leaves a month with clicks it does not count:
  1. 2026-01-05 delivers K1 and K2 (January, visitors v1 and v2);
  2. 2026-02-03 delivers K3 (February, v1) and K4, a late January click (v3);
  3. 2026-03-02 delivers K5 (March, v1), K6, a late January click by v1 (a click, no new
     visitor), and K3 again (a redelivery: nothing changes for it).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from dagster_project.defs.transform.dbt_vars import dbt_vars_for_run
from tests.dbt.nights import dbt_run, from_scratch, load, write

SELECTED = "+int_monthly_clicks"


def click(click_id: str, ts: str, visitor: str) -> str:
    return json.dumps({"click_id": click_id, "ts": ts, "partner_id": "P", "visitor_id": visitor})


def monthly_clicks(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT partner_id, month::VARCHAR, clicks, visitors"
            " FROM intermediate.int_monthly_clicks ORDER BY 1, 2"
        ).fetchall()


def test_a_night_counts_the_months_of_its_late_clicks_like_a_build_from_scratch(
    tmp_path: Path, dbt_manifest
):
    raw, warehouse = tmp_path / "raw", tmp_path / "nights" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    nights = [
        (
            "2026-01-05",
            [click("K1", "2026-01-05T10:00:00Z", "v1"), click("K2", "2026-01-05T11:00:00Z", "v2")],
        ),
        (
            "2026-02-03",
            [click("K3", "2026-02-03T09:00:00Z", "v1"), click("K4", "2026-01-31T23:59:59Z", "v3")],
        ),
        (
            "2026-03-02",
            [
                click("K5", "2026-03-02T08:00:00Z", "v1"),
                click("K6", "2026-01-20T12:00:00Z", "v1"),
                click("K3", "2026-02-03T09:00:00Z", "v1"),
            ],
        ),
    ]
    for number, (day, lines) in enumerate(nights):
        write(raw, "clicks", day, lines)
        seen = load(warehouse, raw, ["clicks"], [day])
        vars_ = dbt_vars_for_run([day], seen)
        assert vars_["rebuild_deduplication"] is False  # each night only adds a log date
        dbt_run(warehouse, tmp_path / "target", SELECTED, vars_)
        if number > 0:  # the first night builds from scratch anyway
            scratch = from_scratch(
                tmp_path, raw, f"scratch{number}", ["clicks"], SELECTED, monthly_clicks
            )
            assert monthly_clicks(warehouse) == scratch, day

    assert monthly_clicks(warehouse) == [
        ("P", "2026-01-01", 4, 3),  # K1 v1, K2 v2, K4 v3, K6 v1
        ("P", "2026-02-01", 1, 1),  # K3 (its redelivery is not a click)
        ("P", "2026-03-01", 1, 1),  # K5
    ]
