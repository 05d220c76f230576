"""Sales valued on an incremental night equal sales valued from scratch.

int_sale_fx_rates and int_sales_usd value again, on a night that only adds log dates, the
sales a new sale or a new FX rate can change (dbt/macros/incremental/sales_to_revalue.sql).
Each night below is checked against a from-scratch build of the same raw files:
  1. 2026-10-02: charge s1 (EUR, sold 10-02) whose only rate (09-20) is too old: held;
     refund r1 of s9, unknown: an orphan; charge s2 (USD, sold 10-01).
  2. 2026-10-03: a late EUR rate of 09-28 (1.10) values s1; charge s9 (EUR, sold 09-30)
     arrives late, so r1 is no orphan any more; chargeback r2 of s2 (USD).
  3. 2026-10-04: an EUR rate of 09-30 (1.20) reprices s1 and s9, hence r1; charge s3 (GBP)
     whose only rate (09-01) is too old.
  4. 2026-10-01, a late file: an earlier first delivery of s2, in EUR: s2 is repriced and r2
     (USD) becomes an orphan through the sale it names.
  5. 2026-10-03's sales file is replaced without s9 (a reload): every sale is valued again,
     and r1 is an orphan again.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from dagster_project.defs.transform.dbt_vars import dbt_vars_for_run
from tests.dbt.nights import dbt_run, from_scratch, load, write

FEEDS = ("sales", "fx_rates")


def sale(sale_id: str, type_: str, amount: str, currency: str, sold: str, **extra) -> str:
    fields = {"sale_id": sale_id, "ts": f"{sold}T10:00:00Z", "customer_id": "U1"}
    fields |= {"type": type_, "amount": amount, "currency": currency, **extra}
    return json.dumps(fields)


def rate(day: str, currency: str, usd_per_unit: str) -> str:
    return json.dumps({"date": day, "currency": currency, "usd_per_unit": usd_per_unit})


SELECTED = "+int_sales_usd"  # with every model it reads


def dbt(warehouse: Path, target: Path, vars_: dict) -> None:
    dbt_run(warehouse, target, SELECTED, vars_)


def valued(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            "fx": con.execute(
                "SELECT sale_id, sale_date::VARCHAR, fx_rate_date::VARCHAR, fx_rate::VARCHAR"
                " FROM intermediate.int_sale_fx_rates ORDER BY 1"
            ).fetchall(),
            "usd": con.execute(
                "SELECT sale_id, currency, charge_sale_id, orphan_reason, fx_rate::VARCHAR,"
                " amount_usd::VARCHAR, held_reason FROM intermediate.int_sales_usd ORDER BY 1"
            ).fetchall(),
        }


def revalued_incrementally(target: Path) -> bool:
    """Whether dbt's last run of int_sales_usd valued only the sales the night repriced (its
    SQL looks the night's new rates up) rather than every sale again (a rebuild)."""
    compiled = next(target.glob("compiled/**/int_sales_usd.sql")).read_text().lower()
    return "new_rates.log_date in (" in compiled


def test_incremental_nights_value_sales_like_a_build_from_scratch(tmp_path: Path, dbt_manifest):
    raw, warehouse = tmp_path / "raw", tmp_path / "nights" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    target = tmp_path / "target"
    nights = [
        (
            "2026-10-02",
            [
                sale("s1", "charge", "100", "EUR", "2026-10-02"),
                sale("r1", "refund", "40", "EUR", "2026-10-02", refers_to="s9"),
                sale("s2", "charge", "10", "USD", "2026-10-01"),
            ],
            [rate("2026-09-20", "EUR", "1.05")],
        ),
        (
            "2026-10-03",
            [
                sale("s9", "charge", "50", "EUR", "2026-09-30"),
                sale("r2", "chargeback", "10", "USD", "2026-10-03", refers_to="s2"),
            ],
            [rate("2026-09-28", "EUR", "1.10")],
        ),
        (
            "2026-10-04",
            [sale("s3", "charge", "30", "GBP", "2026-10-04")],
            [rate("2026-09-30", "EUR", "1.20"), rate("2026-09-01", "GBP", "1.30")],
        ),
        ("2026-10-01", [sale("s2", "charge", "20", "EUR", "2026-10-01")], None),
        (
            "2026-10-03",
            [sale("r2", "chargeback", "10", "USD", "2026-10-03", refers_to="s2")],
            None,  # the rates' file is unchanged
        ),
    ]
    expected_rebuild = [False, False, False, False, True]
    for number, (day, sales, rates) in enumerate(nights):
        write(raw, "sales", day, sales)
        if rates is not None:
            write(raw, "fx_rates", day, rates)
        seen = load(warehouse, raw, FEEDS, [day])
        vars_ = dbt_vars_for_run([day], seen)
        assert vars_["rebuild_deduplication"] is expected_rebuild[number], (day, seen)
        dbt(warehouse, target, vars_)
        if number > 0:  # the first night is a build from scratch
            assert revalued_incrementally(target) is not expected_rebuild[number], day
            scratch = from_scratch(tmp_path, raw, f"scratch{number}", FEEDS, SELECTED, valued)
            assert valued(warehouse) == scratch, day
        if number == 2:  # worked out by hand: both EUR charges at the 09-30 rate
            assert valued(warehouse)["usd"] == [
                ("r1", "EUR", "s9", None, "1.2" + "0" * 27, "-48.00", None),
                ("r2", "USD", "s2", None, "1" + "." + "0" * 28, "-10.00", None),
                ("s1", "EUR", "s1", None, "1.2" + "0" * 27, "120.00", None),
                ("s2", "USD", "s2", None, "1" + "." + "0" * 28, "10.00", None),
                ("s3", "GBP", "s3", None, None, None, "no FX rate at most 7 days old"),
                ("s9", "EUR", "s9", None, "1.2" + "0" * 27, "60.00", None),
            ]

    assert valued(warehouse)["usd"] == [
        ("r1", "EUR", None, "unknown charge", None, None, None),
        ("r2", "USD", None, "currency differs from its charge", None, None, None),
        ("s1", "EUR", "s1", None, "1.2" + "0" * 27, "120.00", None),
        ("s2", "EUR", "s2", None, "1.2" + "0" * 27, "24.00", None),
        ("s3", "GBP", "s3", None, None, None, "no FX rate at most 7 days old"),
    ]
