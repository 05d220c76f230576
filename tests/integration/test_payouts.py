"""Payouts (SPEC §6): a hand-worked scenario across three closes through the real commands.

Rates: affiliate 20 %, tier 2 5 %; holding 30 days; threshold 50.00. All amounts USD.

Partners  A affiliate (root, 2026-01-01 00:00); B affiliate, ref_partner_id=A -> recruited by A.
Customers C1 ref_partner_id=B -> B.  C2 (visitor v2) no ref; A's click on v2 at 01-01 10:00
          -> A (cookie). Later (log 2026-03-12) B's click on v2 at 01-01 12:00 arrives: the
          latest click is B's, so C2 is re-attributed to B.

Stage 1 logs (through 2026-02-28):
  S1 C1 charge 300.00 01-10   B t1 60.00, A t2 15.00            payable 02-09
  S2 C2 charge 100.00 01-10   A t1 20.00 (C2 is A's)            payable 02-09
  S3 C2 charge  50.00 02-15   A t1 10.00                         payable 03-17
  S4 refund of S1, 300.00 02-20: B t1 -60.00, A t2 -15.00        payable 03-22
Close 1 = 2026-02 (payable on or before 02-28): lines S1/1/B new 60.00, S1/2/A new 15.00,
  S2/1/A new 20.00.  A: 35.00 < 50 -> payout 0, carries 35.00.  B: 60.00 -> paid 60.00.

Stage 2 logs (through 2026-03-31): S5, a late charge of a closed month: C1 charge 100.00 sold
  01-20, delivered 03-10 (B t1 20.00, A t2 5.00; payable 02-19). B's late click re-attributes
  C2: S2 is now B t1 20.00 + A t2 5.00, S3 is B t1 10.00 + A t2 2.50.
  S6 C1 charge 400.00 03-20 and S7 C2 charge 400.00 03-25 (payable in April).
Close 2 = 2026-03 (payable on or before 03-31):
  S2/1/A adjustment -20.00 (A's line is gone: re-attributed)
  S2/1/B new 20.00, S2/2/A new 5.00, S3/1/B new 10.00, S3/2/A new 2.50,
  S4/1/B new -60.00, S4/2/A new -15.00 (the refund of the paid S1: money taken back),
  S5/1/B new 20.00, S5/2/A new 5.00.  S1 unchanged: no line.  S6, S7 not payable yet.
  A: carried_in 35.00, new 5.00 + 2.50 - 15.00 + 5.00 = -2.50, adjustment -20.00,
     balance 12.50 < 50 -> payout 0, carries 12.50.
  B: carried_in 0, new 20.00 + 10.00 - 60.00 + 20.00 = -10.00, balance -10.00 -> payout 0,
     carries -10.00 (a negative balance carries).
Close 3 = 2026-04: S6/1/B new 80.00, S6/2/A new 20.00, S7/1/B new 80.00, S7/2/A new 20.00.
  A: carried_in 12.50 + new 40.00 = 52.50 >= 50 -> paid 52.50, carries 0.
  B: carried_in -10.00 + new 160.00 = 150.00 -> paid 150.00, carries 0.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT, run_cli
from tests.integration.test_golden_scenario import (
    click,
    customer,
    partner,
    sale,
    status,
    write_feed,
)

D = Decimal

CLOSE_1 = [  # (period, sale_id, tier, partner_id, delta_usd, kind)
    ("2026-02", "S1", 1, "B", D("60.00"), "new"),
    ("2026-02", "S1", 2, "A", D("15.00"), "new"),
    ("2026-02", "S2", 1, "A", D("20.00"), "new"),
]
CLOSE_2 = [
    ("2026-03", "S2", 1, "A", D("-20.00"), "adjustment"),
    ("2026-03", "S2", 1, "B", D("20.00"), "new"),
    ("2026-03", "S2", 2, "A", D("5.00"), "new"),
    ("2026-03", "S3", 1, "B", D("10.00"), "new"),
    ("2026-03", "S3", 2, "A", D("2.50"), "new"),
    ("2026-03", "S4", 1, "B", D("-60.00"), "new"),
    ("2026-03", "S4", 2, "A", D("-15.00"), "new"),
    ("2026-03", "S5", 1, "B", D("20.00"), "new"),
    ("2026-03", "S5", 2, "A", D("5.00"), "new"),
]
CLOSE_3 = [
    ("2026-04", "S6", 1, "B", D("80.00"), "new"),
    ("2026-04", "S6", 2, "A", D("20.00"), "new"),
    ("2026-04", "S7", 1, "B", D("80.00"), "new"),
    ("2026-04", "S7", 2, "A", D("20.00"), "new"),
]
# (period, partner, carried_in, new, adjustment, balance, payout, carried_out)
PAYOUTS_1 = [
    ("2026-02", "A", D("0.00"), D("35.00"), D("0.00"), D("35.00"), D("0.00"), D("35.00")),
    ("2026-02", "B", D("0.00"), D("60.00"), D("0.00"), D("60.00"), D("60.00"), D("0.00")),
]
PAYOUTS_2 = [
    ("2026-03", "A", D("35.00"), D("-2.50"), D("-20.00"), D("12.50"), D("0.00"), D("12.50")),
    ("2026-03", "B", D("0.00"), D("-10.00"), D("0.00"), D("-10.00"), D("0.00"), D("-10.00")),
]
PAYOUTS_3 = [
    ("2026-04", "A", D("12.50"), D("40.00"), D("0.00"), D("52.50"), D("52.50"), D("0.00")),
    ("2026-04", "B", D("-10.00"), D("160.00"), D("0.00"), D("150.00"), D("150.00"), D("0.00")),
]
PAYOUT_TABLES = ["payout_lines", "payouts", "payout_preview"]


def write_stage_1(d: Path) -> None:
    write_feed(d, "signups", "2026-01-02", [
        partner("s1", "2026-01-01T00:00:00Z", "A", "affiliate", email="ea"),
        partner("s2", "2026-01-01T01:00:00Z", "B", "affiliate", ref="A", email="eb"),
        customer("c1", "2026-01-02T10:00:00Z", "C1", ref="B"),
        customer("c2", "2026-01-02T10:00:00Z", "C2", visitor="v2"),
    ])  # fmt: skip
    write_feed(d, "clicks", "2026-01-02", [click("k1", "2026-01-01T10:00:00Z", "A", "v2")])
    write_feed(d, "sales", "2026-01-10", [
        sale("S1", "2026-01-10T09:00:00Z", "C1", "charge", "300.00"),
        sale("S2", "2026-01-10T09:00:00Z", "C2", "charge", "100.00"),
    ])  # fmt: skip
    write_feed(d, "sales", "2026-02-15", [sale("S3", "2026-02-15T09:00:00Z", "C2", "charge", 50)])
    write_feed(d, "sales", "2026-02-20", [
        sale("S4", "2026-02-20T09:00:00Z", "C1", "refund", "300.00", refers_to="S1"),
    ])  # fmt: skip
    write_feed(
        d, "partner_status", "2026-02-28", [status("e1", "2026-02-28T00:00:00Z", "A", "active")]
    )


def write_stage_2(d: Path) -> None:
    write_feed(d, "sales", "2026-03-10", [sale("S5", "2026-01-20T09:00:00Z", "C1", "charge", 100)])
    write_feed(d, "clicks", "2026-03-12", [click("k2", "2026-01-01T12:00:00Z", "B", "v2")])
    write_feed(d, "sales", "2026-03-20", [sale("S6", "2026-03-20T09:00:00Z", "C1", "charge", 400)])
    write_feed(d, "sales", "2026-03-25", [sale("S7", "2026-03-25T09:00:00Z", "C2", "charge", 400)])
    write_feed(
        d, "partner_status", "2026-03-31", [status("e2", "2026-03-31T00:00:00Z", "B", "active")]
    )


def write_stage_3(d: Path) -> None:
    write_feed(
        d, "partner_status", "2026-04-30", [status("e3", "2026-04-30T00:00:00Z", "A", "active")]
    )


def rows(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(data_dir / "marts.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def payout_lines(data_dir: Path, period: str) -> list[tuple]:
    return rows(
        data_dir,
        "SELECT strftime(period, '%Y-%m'), sale_id, tier, partner_id, delta_usd, kind"
        " FROM payout_lines WHERE strftime(period, '%Y-%m') = ?"
        " ORDER BY sale_id, tier, partner_id",
        [period],
    )


def payouts(data_dir: Path, table: str = "payouts", period: str | None = None) -> list[tuple]:
    assert table in PAYOUT_TABLES  # an identifier from the fixed list, never a value
    return rows(
        data_dir,
        "SELECT strftime(period, '%Y-%m'), partner_id, carried_in_usd, new_usd, adjustment_usd,"
        " balance_usd, payout_usd, carried_out_usd"
        f" FROM {table} WHERE ? IS NULL OR strftime(period, '%Y-%m') = ?"
        " ORDER BY period, partner_id",
        [period, period],
    )


def close(data_dir: Path, month: str):
    return run_cli("close-month", "--data-dir", str(data_dir), month)


def snapshot(data_dir: Path) -> dict[str, object]:
    """What a refused close must leave as it was: the ledger, the CSVs, the published file."""
    files = {}
    for folder in ("ledger", "payouts"):
        root = data_dir / folder
        files[folder] = (
            sorted((p.name, p.read_bytes()) for p in root.iterdir() if root.is_dir())
            if root.is_dir()
            else None
        )
    marts = data_dir / "marts.duckdb"
    files["marts"] = marts.stat().st_mtime_ns if marts.exists() else None
    return files


def assert_refused(data_dir: Path, month: str, words: str) -> None:
    before = snapshot(data_dir)
    done = close(data_dir, month)
    assert done.returncode != 0
    message = done.stderr.strip().splitlines()
    assert len(message) == 1, done.stderr
    assert message[0].startswith("close-month refused: ") and words in message[0], message
    assert snapshot(data_dir) == before


def csv_text(data_dir: Path, month: str) -> str:
    return (data_dir / "payouts" / f"{month}.csv").read_text()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> dict:
    """Runs the three closes (and the refusals between them) once; records what each step
    published for the tests below."""
    d = tmp_path_factory.mktemp("payouts") / "data"
    seen: dict[str, object] = {"dir": d}
    write_stage_1(d)
    # Refused before anything exists: the month is not over by the as-of date 2026-02-28.
    assert_refused(d, "2026-03", "not over by the as-of date 2026-02-28")
    assert not (d / "ledger").exists() and not (d / "marts.duckdb").exists()

    done = close(d, "2026-02")
    assert done.returncode == 0, done.stderr
    assert "closed 2026-02: 3 payout lines, 1 partners paid 60.00 USD" in done.stdout
    assert "[close]" in done.stderr and "s" in done.stdout.split(" in ")[-1]
    seen["lines_1"], seen["payouts_1"] = payout_lines(d, "2026-02"), payouts(d)
    seen["ledger_1"] = (d / "ledger" / "2026-02.jsonl").read_text()
    seen["csv_1"] = csv_text(d, "2026-02")

    assert_refused(d, "2026-02", "already closed")
    assert_refused(d, "2026-04", "not the month after the last closed period 2026-02")
    assert_refused(d, "2026-3", "invalid month")
    with open(d / ".warehouse.lock", "a+") as fh:  # another run holds the warehouse
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        write_stage_2(d)
        assert_refused(d, "2026-03", "another run holds the warehouse")

    done = close(d, "2026-03")
    assert done.returncode == 0, done.stderr
    seen["lines_2"], seen["payouts_2"] = payout_lines(d, "2026-03"), payouts(d)
    seen["csv_2"] = csv_text(d, "2026-03")

    write_stage_3(d)
    done = run_cli("run", "--data-dir", str(d))  # the preview of 2026-04, refreshed by a run
    assert done.returncode == 0, done.stderr
    seen["preview_3"] = payouts(d, "payout_preview")
    done = close(d, "2026-04")
    assert done.returncode == 0, done.stderr
    seen["lines_3"], seen["payouts_3"] = payout_lines(d, "2026-04"), payouts(d)
    seen["csv_3"] = csv_text(d, "2026-04")
    seen["preview_after"] = payouts(d, "payout_preview")
    return seen


def test_close_1_threshold_reached_and_not_reached(scenario):
    assert scenario["lines_1"] == CLOSE_1
    assert scenario["payouts_1"] == PAYOUTS_1
    assert scenario["csv_1"] == "partner_id,payout_usd\nB,60.00\n"
    ledger = [json.loads(line) for line in scenario["ledger_1"].splitlines()]
    assert [(x["sale_id"], x["tier"], x["partner_id"], x["delta_usd"]) for x in ledger] == [
        ("S1", 2, "A", "15.00"),
        ("S2", 1, "A", "20.00"),
        ("S1", 1, "B", "60.00"),
    ]  # sorted by partner, sale, tier; amounts as decimal strings
    assert {x["threshold_usd"] for x in ledger} == {"50.00"}


def test_close_2_refund_late_charge_reattribution_and_carry(scenario):
    assert scenario["lines_2"] == CLOSE_2
    assert scenario["payouts_2"] == PAYOUTS_1 + PAYOUTS_2  # the closed period never changed
    assert scenario["csv_2"] == "partner_id,payout_usd\n"


def test_close_3_carried_balances_paid(scenario):
    assert scenario["lines_3"] == CLOSE_3
    assert scenario["payouts_3"] == PAYOUTS_1 + PAYOUTS_2 + PAYOUTS_3
    assert scenario["csv_3"] == "partner_id,payout_usd\nA,52.50\nB,150.00\n"


def test_preview_equals_what_the_close_then_wrote(scenario):
    assert scenario["preview_3"] == PAYOUTS_3
    assert scenario["preview_after"] == []  # 2026-05: nothing payable, nothing carried


def test_conservation_per_key(scenario):
    """Per key, the sum paid over the closes = the line's value at the last close."""
    d = scenario["dir"]
    got = dict(
        ((s, t, p), v)
        for s, t, p, v in rows(
            d, "SELECT sale_id, tier, partner_id, sum(delta_usd) FROM payout_lines GROUP BY ALL"
        )
    )
    assert got == {
        ("S1", 1, "B"): D("60.00"), ("S1", 2, "A"): D("15.00"), ("S2", 1, "A"): D("0.00"),
        ("S2", 1, "B"): D("20.00"), ("S2", 2, "A"): D("5.00"), ("S3", 1, "B"): D("10.00"),
        ("S3", 2, "A"): D("2.50"), ("S4", 1, "B"): D("-60.00"), ("S4", 2, "A"): D("-15.00"),
        ("S5", 1, "B"): D("20.00"), ("S5", 2, "A"): D("5.00"), ("S6", 1, "B"): D("80.00"),
        ("S6", 2, "A"): D("20.00"), ("S7", 1, "B"): D("80.00"), ("S7", 2, "A"): D("20.00"),
    }  # fmt: skip


def test_rebuild_from_raw_and_ledger(scenario, tmp_path):
    """Deleting warehouse, marts and the Dagster instance (and a CSV, as a close killed
    between its ledger rename and its CSV would leave) and running again gives the same
    payout tables and files."""
    d = tmp_path / "data"
    shutil.copytree(scenario["dir"], d)
    before = {t: rows(d, f"SELECT * FROM {t} ORDER BY ALL") for t in PAYOUT_TABLES}
    for name in ("warehouse.duckdb", "marts.duckdb"):
        (d / name).unlink()
    shutil.rmtree(d / ".dagster")
    (d / "payouts" / "2026-04.csv").unlink()
    (d / "ledger" / ".2026-05.jsonl.999.tmp").write_text("a killed close's temporary file\n")
    done = run_cli("run", "--data-dir", str(d))
    assert done.returncode == 0, done.stderr
    assert {t: rows(d, f"SELECT * FROM {t} ORDER BY ALL") for t in PAYOUT_TABLES} == before
    assert csv_text(d, "2026-04") == scenario["csv_3"]
    assert payouts(d) == PAYOUTS_1 + PAYOUTS_2 + PAYOUTS_3


def test_damaged_ledger_line_stops_the_run(scenario, tmp_path):
    """A ledger line that does not parse is listed with its reason and the run fails: paying
    the period's lines again would be wrong, and marts.duckdb is left as it was."""
    d = tmp_path / "data"
    shutil.copytree(scenario["dir"], d)
    ledger = d / "ledger" / "2026-03.jsonl"
    lines = ledger.read_text().splitlines()
    lines[0] = lines[0].replace('"delta_usd": "-20.00"', '"delta_usd": -20.0')
    ledger.write_text("\n".join(lines) + "\n")
    marts_before = (d / "marts.duckdb").read_bytes()
    done = run_cli("run", "--data-dir", str(d))
    assert done.returncode != 0
    assert "no_rejected_ledger_lines" in done.stderr
    assert (d / "marts.duckdb").read_bytes() == marts_before
    with duckdb.connect(str(d / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute(
            "SELECT file_name, line_number, reason FROM audit.rejected_ledger_lines"
        ).fetchall() == [
            ("2026-03.jsonl", 1, "delta_usd must be a decimal string with at most 2 decimal places")
        ]


def close_killed_at(data_dir: Path, month: str, marker: str) -> None:
    """Start `close-month` and kill -9 its whole process tree as soon as its progress shows
    `marker` (dbt included: it would die with the process anyway)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dagster_project", "close-month", "--data-dir", str(data_dir)]
        + [month],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    seen = []
    try:
        for line in proc.stderr:
            seen.append(line)
            if marker in line:
                os.killpg(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "".join(seen)[-2000:]


def test_kill_9_during_a_close_leaves_no_trace_or_the_whole_close(tmp_path):
    """Killed before the ledger file is committed: no ledger, no CSV, and the close can be done
    again. Killed right after the commit: the period is closed, and the next run finishes the
    close (marts, CSV) with the figures of close 1."""
    d = tmp_path / "data"
    write_stage_1(d)
    close_killed_at(d, "2026-02", "[run] transforming")
    assert not (d / "ledger" / "2026-02.jsonl").exists()
    assert not (d / "payouts").exists() or not any((d / "payouts").iterdir())

    close_killed_at(d, "2026-02", "[close] wrote")
    ledger = (d / "ledger" / "2026-02.jsonl").read_text().splitlines()
    assert [
        (x["sale_id"], x["tier"], x["partner_id"], x["delta_usd"]) for x in map(json.loads, ledger)
    ] == [("S1", 2, "A", "15.00"), ("S2", 1, "A", "20.00"), ("S1", 1, "B", "60.00")]
    assert_refused(d, "2026-02", "already closed")

    done = run_cli("run", "--data-dir", str(d))
    assert done.returncode == 0, done.stderr
    assert payout_lines(d, "2026-02") == CLOSE_1
    assert payouts(d) == PAYOUTS_1
    assert csv_text(d, "2026-02") == "partner_id,payout_usd\nB,60.00\n"
