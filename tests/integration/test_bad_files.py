"""Bad files stop the run loudly, bad lines never stop anything; a file is known by its content
(SPEC §2, issue 11). Real runs of the command over a hand-written data directory: one partner
P1 who referred customer C1, whose USD charge x1 pays P1 20 % (the affiliate rate)."""

from __future__ import annotations

import gzip
import hashlib
import os
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli

DAY = "2026-03-01"
MIB = 1_048_576
SIGNUPS = (
    '{"signup_id":"s1","ts":"2026-03-01T00:00:00Z","kind":"partner","account_id":"P1"}\n'
    '{"signup_id":"s2","ts":"2026-03-01T01:00:00Z","kind":"customer","account_id":"C1",'
    '"ref_partner_id":"P1"}\n'
)


def sale(amount: str) -> str:
    return (
        '{"sale_id":"x1","ts":"2026-03-01T02:00:00Z","customer_id":"C1","type":"charge",'
        f'"amount":"{amount}","currency":"USD"}}\n'
    )


def write(data_dir: Path, feed: str, name: str, body: bytes) -> Path:
    path = data_dir / "raw" / feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def commissions(data_dir: Path) -> list[tuple]:
    with duckdb.connect(str(data_dir / "marts.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT sale_id, partner_id, tier, commission_usd FROM fct_commissions ORDER BY ALL"
        ).fetchall()


def run(data_dir: Path, *args: str):
    done = run_cli("run", "--data-dir", str(data_dir), *args)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """Run once: the partner, the customer, sale x1 of 100.00 USD, and a click file whose
    second line is 1.2 MiB long."""
    data_dir = tmp_path_factory.mktemp("bad_files")
    write(data_dir, "signups", f"{DAY}.jsonl", SIGNUPS.encode())
    write(data_dir, "sales", f"{DAY}.jsonl", sale("100.00").encode())
    long_line = '{"click_id":"big","pad":"' + "a" * (MIB + MIB // 5) + '"}'
    click = '{"click_id":"k1","ts":"2026-03-01T00:30:00Z","partner_id":"P1"}'
    write(data_dir, "clicks", f"{DAY}.jsonl.gz", gzip.compress(f"{click}\n{long_line}\n".encode()))
    done = run(data_dir)
    assert done.returncode == 0, done.stderr
    return data_dir


def test_a_line_over_1_mib_is_rejected_line_too_long_keeping_its_first_mib(data_dir: Path):
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        rejected = con.execute(
            "SELECT feed, line_number, reason, strlen(raw_line), left(raw_line, 26)"
            " FROM audit.rejected_events"
        ).fetchall()
        staged = con.execute("SELECT click_id FROM staging.stg_clicks").fetchall()
    assert rejected == [("clicks", 2, "line too long", MIB, '{"click_id":"big","pad":"a')]
    assert staged == [("k1",)]
    assert commissions(data_dir) == [("x1", "P1", 1, Decimal("20.00"))]


def test_an_empty_gzip_stops_the_run_naming_it_and_keeps_the_marts(data_dir: Path):
    before = digest(data_dir / "marts.duckdb")
    empty = write(data_dir, "sales", "2026-03-02.jsonl.gz", b"")
    try:
        done = run(data_dir)
    finally:
        empty.unlink()
    assert done.returncode == 1
    [line] = [x for x in done.stderr.splitlines() if x.startswith("run failed:")]
    assert "sales/2026-03-02.jsonl.gz" in line and "empty" in line, done.stderr
    assert digest(data_dir / "marts.duckdb") == before


def test_an_unreadable_file_stops_the_run_in_one_line(data_dir: Path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = write(data_dir, "fx_rates", "2026-03-02.jsonl", b"{}\n")
    path.chmod(0)
    try:
        done = run(data_dir)
    finally:
        path.unlink()
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("run failed: cannot read ")
    assert "fx_rates/2026-03-02.jsonl" in done.stderr


def test_a_corrected_file_with_the_same_size_and_mtime_is_reloaded(data_dir: Path):
    path = data_dir / "raw" / "sales" / f"{DAY}.jsonl"
    stat = path.stat()
    path.write_text(sale("300.00"))  # same length as 100.00
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    done = run(data_dir)
    assert done.returncode == 0, done.stderr
    assert commissions(data_dir) == [("x1", "P1", 1, Decimal("60.00"))]  # 20 % of 300.00


def test_full_refresh_reloads_the_raw_files_too(data_dir: Path):
    done = run(data_dir, "--full-refresh")
    assert done.returncode == 0, done.stderr
    assert "[load sales] 1/1 log dates, 1 rows loaded (0 unchanged" in done.stderr
    assert "[load clicks] 1/1 log dates, 2 rows loaded (0 unchanged" in done.stderr
    assert commissions(data_dir) == [("x1", "P1", 1, Decimal("60.00"))]
