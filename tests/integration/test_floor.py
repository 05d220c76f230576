"""The benchmark's floor (bench/floor.sql) agrees with the pipeline's fct_commissions.

One real pipeline run over a generated `small` sample (its year-old founding partners kept,
so there are recruiters and tier-2 lines) plus hand-written edge cases of the rules: rejected
lines of every kind, redeliveries with another payload, timestamps with offsets, decimal
forms, FX ages, same-instant ties, self-referrals, orphan reversals. The floor must give the
same rows, every column; a comparison that cannot fail would prove nothing, so one test
changes a single commission in a copy of the marts and expects exactly that row on each side.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT, generate_sample, run_cli


def _load_floor():
    spec = importlib.util.spec_from_file_location("bench_floor", REPO_ROOT / "bench" / "floor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


floor = _load_floor()


# --- edge cases, written as raw log files --------------------------------------------------


def _write(data_dir: Path, feed: str, log_date: str, lines: list, gz=False, crlf=False) -> None:
    path = data_dir / "raw" / feed / (f"{log_date}.jsonl" + (".gz" if gz else ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    encoded = [
        line
        if isinstance(line, bytes)
        else (line if isinstance(line, str) else json.dumps(line)).encode()
        for line in lines
    ]
    body = (b"\r\n" if crlf else b"\n").join(encoded) + b"\n"
    path.write_bytes(gzip.compress(body) if gz else body)


def _signup(sid, ts, kind, account, **fields):
    return {"signup_id": sid, "ts": ts, "kind": kind, "account_id": account, **fields}


def _click(cid, ts, partner, visitor=None, **fields):
    line = {"click_id": cid, "ts": ts, "partner_id": partner}
    if visitor is not None:
        line["visitor_id"] = visitor
    return {**line, **fields}


def _sale(sid, ts, customer, kind, amount, currency="USD", **fields):
    return {"sale_id": sid, "ts": ts, "customer_id": customer, "type": kind, "amount": amount,
            "currency": currency, **fields}  # fmt: skip


def _status(eid, ts, partner, status):
    return {"event_id": eid, "ts": ts, "partner_id": partner, "status": status}


def write_edge_logs(d: Path) -> None:
    """Edge cases of SPEC §2/§3 in Jan 2026 (ids distinct from the generator's)."""
    su, ck, sa, st = _signup, _click, _sale, _status
    _write(d, "signups", "2026-01-05", [
        su("s01", "2026-01-01T00:00:00Z", "partner", "P1", program="solution", email_hash="e1"),
        # P2 and P3 sign up in the same instant naming each other: the lower signup_id is first
        su("s02", "2026-01-01T00:00:00+00:00", "partner", "P2", ref_partner_id="P3",
           email_hash="e2"),
        su("s03", "2026-01-01T00:00:00.000Z", "partner", "P3", ref_partner_id="P2",
           email_hash="e3"),
        su("s04", "2026-01-01T12:00:00Z", "partner", "P4", program=None, visitor_id="vp4"),
        su("s05", "2026-01-02 10:00:00.123456789-05:30", "partner", "P5", ref_partner_id="P1",
           program="affiliate"),
        su("s06", "2026-01-02t10:00+0200", "partner", "P6", ref_partner_id="P5"),
        su("s07", "2026-01-02T10:00:00+24:00", "partner", "P7"),  # offset out of range
        su("s08", "2026-01-02T10:00:00Z", "partner", "  "),  # blank account_id
        su("s09", "2026-01-02T10:00:00Z", "partner", "P9", visitor_id=5),  # not a string
        su("s10", "2026-01-02T10:00:00Z", "partner", "P10", program=""),  # not a program
        su("s11", "2026-01-02T10:00:00Z", "customer", "C11", program="reseller"),
        su("s12", "2026-01-03T00:00:00Z", "partner", "P12", ref_partner_id="P2", email_hash="e12",
           program="solution"),
        su("s13", "2026-01-03T00:00:01Z", "partner", "P13", visitor_id="vp13"),
        "[1, 2, 3]",
        "",
        "   ",
        '{"signup_id": "s14", "ts": "2026-01-03T00:00:00Z", "kind": "customer",'
        ' "account_id": "C14", "ref_partner_id": "P1"} trailing',
    ])  # fmt: skip
    _write(d, "signups", "2026-01-10", [
        su("c01", "2026-01-06T00:00:00Z", "customer", "C1", ref_partner_id="P2"),
        su("c02", "2026-01-06T00:00:00Z", "customer", "C2", ref_partner_id="P1", email_hash="e1",
           visitor_id="v2"),  # self-referral by email: the cookie is tried
        su("c03", "2026-01-06T00:00:00Z", "customer", "C3", visitor_id="v3"),
        su("c04", "2026-01-06T00:00:00Z", "customer", "C4", visitor_id="v4"),
        su("c05b", "2026-01-07T00:00:00Z", "customer", "C5", ref_partner_id="P4"),
        su("c05a", "2026-01-07T00:00:00Z", "customer", "C5", ref_partner_id="P5"),  # tie: c05a
        su("c06", "2026-01-06T00:00:00Z", "customer", "C6", ref_partner_id="", visitor_id="v6"),
        su("c07", "2026-01-06T00:00:00Z", "customer", "C7", ref_partner_id="P1"),
        su("c07", "2026-01-06T00:00:00Z", "customer", "C7", ref_partner_id="P4"),  # later line
        {"signup_id": "c08", "ts": "2026-01-06T00:00:00Z", "kind": "customer", "account_id": "C8",
         "ref_partner_id": 12},  # rejected: its later valid delivery counts
        su("c09", "2026-01-06T00:00:00Z", "customer", "C9", ref_partner_id="P12"),
        su("c10", "2026-01-06T00:00:00Z", "customer", "C10", visitor_id="v10"),
        su("c11", "2026-01-06T00:00:00Z", "customer", "C11", ref_partner_id="P13", email_hash="x"),
        su("c12", "2026-01-06T00:00:00Z", "customer", "C12", ref_partner_id="P6"),
    ], crlf=True)  # fmt: skip
    _write(d, "signups", "2026-01-11", [
        su("c08", "2026-01-06T00:00:00Z", "customer", "C8", ref_partner_id="P12"),
        su("c07", "2026-01-06T00:00:00Z", "customer", "C7", ref_partner_id="P12"),  # redelivery
        su("c13", "2026-05-06T00:00:00Z", "customer", "C13", ref_partner_id="P99",
           visitor_id="v13"),
    ], gz=True)  # fmt: skip
    _write(d, "clicks", "2026-01-05", [
        ck("k01", "2026-01-03T00:00:00Z", "P4", "v3", landing="product"),
        ck("k02", "2026-01-03T00:00:00Z", "P5", "v3", landing="partner_program"),  # tie: k02
        ck("k03", "2026-01-05T00:00:00Z", "P1", "v3", url=5),  # rejected
        ck("k04", "2026-01-05T00:00:00Z", "P1", "v3", landing="home"),  # rejected
        ck("k05", "2026-01-01T05:00:00Z", "P3", "v4", ip=None, user_agent=None),
        ck("k06", "2026-01-01T06:00:00Z", "P12", "v4"),  # before P12 existed: k05 wins
        ck("k07", "2026-01-05T12:00:00.5Z", "P13", "v2"),
        ck("k08", "2026-01-05T12:00:00Z", "P1", "v2"),
        '{"click_id": "k09", "ts": "2026-01-05T13:00:00Z", "partner_id": "P4",'
        ' "visitor_id": "v\\u0036"}',  # escaped: visitor v6
        ck("k10", "2026-01-05T13:00:00Z", "P4", ""),
        ck("k11", "2026-01-05T14:00:00Z", "P5", "v10"),
        ck("k11", "2026-01-05T14:00:00Z", "P6", "v10"),  # same file, other payload: first wins
        ck("k12", "2026-01-05T15:00:00Z", "P6", "v10", user_agent="x"),
        b'{"click_id": "k13", "ts": "2026-01-05T16:00:00Z", "partner_id": "P1",'
        b' "visitor_id": "v10", "user_agent": "Caf\xe9"}',  # not UTF-8
        '{"click_id": "k14", "ts": "2026-01-05T16:00:00Z", "partner_id": "P1", "visitor_id": "v10"',
        ck("k15", 1767628800, "P1", "v10"),
        ck("k16", "2026-01-05T16:00:00Z", 12, "v10"),
        ck(True, "2026-01-05T16:00:00Z", "P1", "v10"),
        ck("k17", "2026-01-05T23:59:59Z", "P1", "v13"),  # > 120 days before C13's signup
        ck("k18", "2026-01-05T00:00:00Z", "P2", "vp13"),
        ck("k19", "2025-09-08T00:00:00Z", "P4", "vp4"),
        ck("k20", "2026-01-06T23:59:59Z", "P12", "v6"),  # after C6's signup
    ], gz=True)  # fmt: skip
    _write(d, "clicks", "2026-01-06", [
        ck("k12", "2026-01-05T15:00:00Z", "P1", "v10"),  # redelivery, other payload: ignored
        ck("k21", "2026-01-05T15:00:00Z", "P4", "v6"),
        ck("k22", "2026-01-06T00:00:00Z", "P1", "v13"),  # exactly 120 days: outside too
    ])  # fmt: skip
    _write(d, "fx_rates", "2026-01-10", [
        {"date": "2026-01-03", "currency": "eur", "usd_per_unit": "1.1"},
        {"date": "2026-01-03", "currency": "EUR", "usd_per_unit": "1.5"},  # same key: first wins
        {"date": "2026-01-05", "currency": "GBP", "usd_per_unit": 1.25},
        {"date": "2026-01-02", "currency": "JPY", "usd_per_unit": "0.0066666667"},
        {"date": "2026-01-05", "currency": "USD", "usd_per_unit": "2"},  # ignored: USD is 1
        {"date": "2026-02-30", "currency": "CHF", "usd_per_unit": "1.2"},
        {"date": "2026-01-05", "currency": "CHF", "usd_per_unit": "0"},
        {"date": "2026-01-05", "currency": "CAD", "usd_per_unit": "0.73500000001"},
        {"date": "2026-01-06", "currency": "CAD", "usd_per_unit": "7.35e-1"},
        {"date": "2026-01-06", "currency": "AUD", "usd_per_unit": 6.5e-1},
    ])  # fmt: skip
    _write(d, "fx_rates", "2026-01-11", [
        {"date": "2026-01-03", "currency": "EUR", "usd_per_unit": "1.7"},  # redelivery: ignored
        {"date": "2026-01-04", "currency": "GBP", "usd_per_unit": "1.3"},
    ])  # fmt: skip
    _write(d, "sales", "2026-01-10", [
        sa("a01", "2026-01-08T10:00:00Z", "C1", "charge", "10.125"),
        sa("a02", "2026-01-08T10:00:00Z", "C2", "charge", 10.1),
        sa("a03", "2026-01-08T10:00:00Z", "C3", "charge", "1e2"),
        sa("a04", "2026-01-08T10:00:00Z", "C4", "charge", 1.5e1),
        sa("a05", "2026-01-08T10:00:00Z", "C5", "charge", "0.00005"),  # too precise
        sa("a06", "2026-01-08T10:00:00Z", "C6", "charge", "+5"),
        sa("a07", "2026-01-08T10:00:00Z", "C7", "charge", ".5"),
        sa("a08", "2026-01-08T10:00:00Z", "C8", "charge", "5."),
        sa("a09", "2026-01-08T10:00:00Z", "C99", "charge", "12345678901234.5678"),
        sa("a10", "2026-01-08T10:00:00Z", "C10", "charge", "123456789012345"),  # too large
        sa("a11", "2026-01-08T10:00:00Z", "C11", "charge", "00012.3400"),
        sa("a12", "2026-01-08T10:00:00Z", "C12", "charge", "-5"),
        sa("a13", "2026-01-08T10:00:00Z", "C12", "charge", "1E+1"),
        sa("a14", "2026-01-08T10:00:00Z", "C1", "charge", "33.33", "eur"),
        sa("a15", "2026-01-10T23:30:00-02:00", "C1", "charge", "20.00", "EUR"),  # UTC 01-11
        sa("a16", "2026-01-12T10:00:00Z", "C2", "charge", "20.00", "GBP"),
        sa("a17", "2026-01-12T10:00:00Z", "C3", "charge", "1000", "JPY"),
        sa("a18", "2026-01-13T10:00:00Z", "C4", "charge", "40", "GBP"),  # rate 8 days old
        sa("a19", "2026-01-12T10:00:00Z", "C5", "charge", "40", "CAD"),
        sa("a20", "2026-01-12T10:00:00Z", "C6", "charge", "40", "AUD"),
        sa("a21", "2026-01-12T10:00:00Z", "C9", "charge", "99.99", "EURO"),
        sa("a22", "2026-01-12T10:00:00Z", "C9", "charge", "ten"),  # its later delivery counts
        sa("a23", "2026-01-12T10:00:00Z", "C1", "charge", "50"),
        sa("a23", "2026-01-12T10:00:00Z", "C1", "charge", "60"),  # same file: first wins
        sa("a24", "2026-01-12T10:00:00Z", "C13", "charge", "50"),
        sa("a25", "2026-01-12T10:00:00Z", "C99", "charge", "50"),
        sa("a26", "2026-01-12T10:00:00Z", "C11", "gift", "50"),
        sa("a27", "2026-01-12T10:00:00Z", "C11", "charge", "50", refers_to=7),
        sa("a28", "2026-01-12T10:00:00Z", "C11", "charge", "50", refers_to=""),
        sa("a29", "2026-01-12T10:00:00Z", "C10", "charge", "10"),
        sa("a31", "2026-01-01T00:00:00Z", "C12", "charge", "10"),  # before P6 and P5 existed
        sa("a40", "2026-01-07T10:00:00Z", "C12", "charge", "30"),
    ])  # fmt: skip
    _write(d, "sales", "2026-01-20", [
        sa("a22", "2026-01-12T10:00:00Z", "C9", "charge", "22.22"),
        sa("r01", "2026-01-15T10:00:00Z", "C1", "refund", "20.00", "EUR", refers_to="a14"),
        sa("r02", "2026-01-15T10:00:00Z", "C1", "refund", "10.125", refers_to="a01"),
        sa("r03", "2026-01-15T10:00:00Z", "C1", "refund", "5", refers_to="r02"),  # a refund
        sa("r04", "2026-01-15T10:00:00Z", "C1", "refund", "5", refers_to="a15"),  # currency
        sa("r05", "2026-01-15T10:00:00Z", "C4", "chargeback", "40", "GBP", refers_to="a18"),
        sa("r06", "2026-01-15T10:00:00Z", "C2", "chargeback", "20.00", "GBP", refers_to="a16"),
        sa("r07", "2026-01-15T10:00:00Z", "C7", "refund", "0.5", refers_to="a07"),
        sa("r08", "2026-01-15T10:00:00Z", "C1", "refund", "5", refers_to="a99"),  # unknown
        sa("r09", "2026-01-16T10:00:00Z", "C3", "refund", "3.3333", "JPY", refers_to="a17"),
        sa("r10", "2026-01-16T10:00:00Z", "C8", "refund", "1.0", refers_to="a08"),
        sa("r11", "2026-01-16T10:00:00Z", "C99", "refund", "1.0", refers_to="a23"),
        sa("r12", "2026-01-16T10:00:00Z", "C12", "refund", "30", refers_to="a40"),
        sa("r13", "2026-01-16T10:00:00Z", "C1", "refund", "5", refers_to="a14"),  # currency
    ])  # fmt: skip
    _write(d, "partner_status", "2026-01-09", [
        st("e10", "2026-01-07T00:00:00Z", "P2", "suspended"),
        st("e9", "2026-01-07T00:00:00Z", "P2", "active"),  # same instant: 'e9' > 'e10' wins
        st("e11", "2025-12-01T00:00:00Z", "P4", "terminated"),  # before P4's signup
        st("e12", "2026-01-08T10:00:00Z", "P5", "suspended"),  # at a sale's instant
        st("e13", "2026-01-08T10:00:00Z", "P99", "terminated"),
        st("e14", "2026-01-07T10:00:00Z", "P12", "paused"),
        st("e15", "2026-01-07T10:00:00Z", "P12", "suspended"),
        st("e16", "2026-01-07T09:59:59Z", "P12", "active"),
    ])  # fmt: skip
    _write(d, "partner_status", "2026-01-12", [
        st("e17", "2026-01-12T00:00:00Z", "P12", "active"),
        st("e15", "2026-01-07T10:00:00Z", "P12", "active"),  # redelivery: ignored
    ])  # fmt: skip
    # "Now" is the latest log date with a first delivery. The last files (after the generated
    # sample's last day) hold only redeliveries and rejected lines, so the sale of 10-02
    # (payable on 11-01) stays pending.
    _write(d, "sales", "2026-10-03", [sa("a30", "2026-10-02T12:00:00Z", "C1", "charge", "10")])
    _write(d, "sales", "2026-11-01", [
        sa("a23", "2026-01-12T10:00:00Z", "C1", "charge", "50"),
        "not json",
    ])  # fmt: skip
    _write(d, "clicks", "2026-11-01", [
        ck("k01", "2026-01-03T00:00:00Z", "P4", "v3", landing="product"),
        ck("kx", "yesterday", "P1", "v1"),
    ])  # fmt: skip


# --- the run ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory) -> Path:
    """A generated small sample (founding partners kept) plus the edge cases, run once."""
    data_dir = tmp_path_factory.mktemp("floor") / "data"
    generate_sample(data_dir, days=4, seed=11, keep_old_file=True)
    write_edge_logs(data_dir)
    done = run_cli("run", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    return data_dir


@pytest.fixture(scope="module")
def floor_connection(pipeline_run: Path):
    con, seconds = floor.run_floor(pipeline_run / "raw", threads=2)
    assert seconds > 0
    yield con
    con.close()


def test_floor_agrees_with_the_pipeline(pipeline_run: Path, floor_connection):
    result = floor.compare_with_marts(floor_connection, pipeline_run / "marts.duckdb")
    assert result["only_in_floor"] == 0
    assert result["only_in_pipeline"] == 0
    assert result["floor_rows"] == result["pipeline_rows"] > 0
    kinds = floor_connection.execute(
        "SELECT DISTINCT tier, sale_type <> 'charge', status FROM floor_commissions ORDER BY ALL"
    ).fetchall()
    assert {(tier, reversal) for tier, reversal, _ in kinds} == {
        (1, False), (2, False), (1, True), (2, True),
    }  # fmt: skip
    assert {status for *_, status in kinds} == {"payable", "pending"}


def test_floor_has_the_mart_columns_and_types(pipeline_run: Path, floor_connection):
    def columns(con, catalog):
        return con.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_catalog = ? AND table_name = ? ORDER BY ordinal_position",
            [catalog, "fct_commissions" if catalog == "marts" else "floor_commissions"],
        ).fetchall()

    floor_columns = columns(floor_connection, "memory")
    with duckdb.connect(str(pipeline_run / "marts.duckdb"), read_only=True) as marts:
        assert floor_columns == columns(marts, "marts")
    assert ("commission_usd", "DECIMAL(18,2)") in floor_columns


def test_the_comparison_sees_one_changed_commission(pipeline_run: Path, floor_connection, tmp_path):
    changed = tmp_path / "marts.duckdb"
    shutil.copy2(pipeline_run / "marts.duckdb", changed)
    with duckdb.connect(str(changed)) as con:
        con.execute(
            "UPDATE fct_commissions SET commission_usd = commission_usd + 0.01"
            " WHERE rowid = (SELECT min(rowid) FROM fct_commissions)"
        )
    result = floor.compare_with_marts(floor_connection, changed)
    assert result["only_in_floor"] == 1
    assert result["only_in_pipeline"] == 1
    assert result["floor_rows"] == result["pipeline_rows"]


def test_command_line_exit_status(pipeline_run: Path, tmp_path, capsys):
    assert floor.main(["--data-dir", str(pipeline_run), "--temp-dir", str(tmp_path / "spill")]) == 0
    assert "only_in_floor=0 only_in_pipeline=0" in capsys.readouterr().out

    elsewhere = tmp_path / "data"
    elsewhere.mkdir()
    (elsewhere / "raw").symlink_to(pipeline_run / "raw")
    shutil.copy2(pipeline_run / "marts.duckdb", elsewhere / "marts.duckdb")
    with duckdb.connect(str(elsewhere / "marts.duckdb")) as con:
        con.execute(
            "DELETE FROM fct_commissions WHERE rowid = (SELECT min(rowid) FROM fct_commissions)"
        )
    figures = tmp_path / "floor.json"
    assert floor.main(["--data-dir", str(elsewhere), "--memory-limit", "1GB", "--temp-dir",
                       str(tmp_path / "spill"), "--json", str(figures)]) == 1  # fmt: skip
    assert "only_in_floor=1 only_in_pipeline=0" in capsys.readouterr().out
    written = json.loads(figures.read_text())
    assert written["agrees"] is False
    assert written["comparison"]["only_in_floor"] == 1
    assert written["rows"] == written["comparison"]["floor_rows"] > 0
