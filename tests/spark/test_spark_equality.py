"""The same pipeline on Spark gives the same marts as on DuckDB, row for row (`make test-spark`).

One data directory holding the golden scenario's logs (tests/test_golden_scenario.py), the
generated `small` profile's (SPARK_TEST_SMALL_DAYS days, default 60 = the whole profile) and
a file of edge-case lines (number forms, offsets, JSON the two parsers could disagree on) is
run through `python -m dagster_project run` with `--engine duckdb` and with `--engine spark`
(local[2], the dbt `spark` target's `session` method), both at once. One Spark run instead of
one per dataset keeps `make test-spark` under 10 minutes on 2 cores; the two datasets use
disjoint ids, so each one's rows are all in the marts. Compared:
* every mart: the Spark tables' own parquet files (<data dir>/spark/warehouse/marts.db/<t>)
  against DuckDB's published `marts.duckdb`, and the `marts.duckdb` the Spark run published;
  same columns, same types, same rows (decimals compared as exact text, so the scale counts);
* the audit: every rejected line with its reason, the per-feed line reconciliation, orphans.
Needs `.[spark]` and Java 17; deselected from `make test` (marker `spark`).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT, run_cli
from tests.integration.test_golden_scenario import write_golden_logs
from tests.marts_snapshot import PUBLISH_INSTANT

pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark

MARTS = [
    "dim_customers",
    "dim_partners",
    "fct_commissions",
    "fct_sales",
    "partner_monthly_statement",
    "second_tier_lifetime",
    "partner_funnel_monthly",
    "data_quality_by_log_date",
    "run_info",
    "payout_lines",
    "payouts",
    "payout_preview",
]
# A closed period for the golden scenario (SPEC §6), so the ledger loads and the payout marts
# are built on both engines: P3 is paid 20.00 + 60.00 >= 50.00; P2 and P1 carry. S999 has no
# commission line, so the next open period (the preview) takes its 60.00 back (adjustment).
LEDGER_2026_02 = [
    ("S1", 1, "P3", "20.00"),
    ("S1", 2, "P2", "5.00"),
    ("S2", 1, "P2", "2.53"),
    ("S2", 2, "P1", "0.51"),
    ("S999", 1, "P3", "60.00"),
]
SMALL_DAYS = int(os.environ.get("SPARK_TEST_SMALL_DAYS", "60"))

# Lines whose parsing could differ between DuckDB's JSON reader and Spark's (Jackson).
EDGE_SALES = [
    '{"sale_id":"X1","ts":"2026-10-30T10:00:00+05:30","customer_id":"C000001","type":"charge",'
    '"amount":1e2,"currency":"usd"}',
    '{"sale_id":"X2","ts":"2026-10-30 10:00:00.123456789","customer_id":"C000001",'
    '"type":"charge","amount":"12.5000","currency":"EUR"}',
    '{"sale_id":"X3","ts":"2026-10-30T10:00-0200","customer_id":"C000002","type":"charge",'
    '"amount":0.0001,"currency":"USD"}',
    '{"sale_id":"X4","ts":"2026-10-30T10:00:00Z","customer_id":"C000002","type":"charge",'
    '"amount":1.5E-3,"currency":"USD"}',
    '{"sale_id":"X5","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":1e-5,"currency":"USD"}',
    '{"sale_id":"X6","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":12345678901234567890,"currency":"USD"}',
    '{"sale_id":"X7","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":NaN,"currency":"USD"}',
    '{"sale_id":"X8","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":5,"currency":"USD",}',
    '{"sale_id":"X9","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":5,"currency":"USD"} trailing',
    '{"sale_id":"X10","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":5,"currency":"USD"}}',
    '[{"sale_id":"X11"}]',
    '"just a string"',
    "null",
    '{"sale_id":"X12","ts":"2026-10-30T25:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":5,"currency":"USD"}',
    '{"sale_id":"X13","ts":"2026-02-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":5,"currency":"USD"}',
    '{"sale_id":"X14","ts":"2026-10-30T10:00:00+24:00","customer_id":"C9","type":"charge",'
    '"amount":5,"currency":"USD"}',
    '{"sale_id":"X15","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":"-5","currency":"USD"}',
    '{"sale_id":"X16","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":123456789012345.5,"currency":"USD"}',
    '{"sale_id":"X17","ts":"2026-10-30T10:00:00Z","customer_id":7,"type":"charge",'
    '"amount":5,"currency":"USD"}',
    '{"sale_id":"X18","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":true,"currency":"USD"}',
    '{"sale_id":"X19","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":"5","currency":"USD","refers_to":null,"meta":{"amount":1.23456}}',
    '{"sale_id":"X20","ts":"2026-10-30T10:00:00Z","customer_id":"  ","type":"charge",'
    '"amount":5,"currency":"USD"}',
    '{"sale_id":"X21","ts":"2026-10-30T10:00:00Z","customer_id":"C\\u00e9","type":"charge",'
    '"amount":"  5","currency":"USD"}',
    '{"sale_id":"X22","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":05,"currency":"USD"}',
    '{"sale_id":"X23","ts":"2026-10-30T10:00:00Z","customer_id":"C9","type":"charge",'
    '"amount":"5","currency":"USD"} ',
    '{"sale_id":"X24", "ts":"2026-10-31T23:59:59.999999Z", "customer_id":"C000003",'
    ' "type":"refund", "amount":"2.5", "currency":"USD", "refers_to":"X2"}',
]


def _start(data_dir: Path, engine: str) -> subprocess.Popen:
    """`python -m dagster_project run --engine ENGINE` in the background (output in files)."""
    out = open(data_dir.parent / f"{engine}.out", "w")  # noqa: SIM115 - closed by the child's end
    return subprocess.Popen(
        [sys.executable, "-m", "dagster_project", "run", "--data-dir", str(data_dir)]
        + ["--engine", engine],
        stdout=out,
        stderr=subprocess.STDOUT,
        cwd=REPO_ROOT,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )


def _prepare(source: Path) -> None:
    """The golden scenario's logs plus the generated `small` profile's, plus EDGE_SALES."""
    write_golden_logs(source)
    small = source.parent / "small"
    done = run_cli(
        "generate", "--data-dir", str(small), "--profile", "small", "--days", str(SMALL_DAYS)
    )
    assert done.returncode == 0, done.stderr
    # The two use disjoint ids (P1 / P00001, C1 / C000001, ...); a log date both deliver
    # for a feed gets one file holding golden's lines, then small's.
    for path in sorted((small / "raw").rglob("*.jsonl*")):
        feed, name = path.parent.name, path.name
        log_date = name.split(".")[0]
        golden = source / "raw" / feed / f"{log_date}.jsonl"
        target = source / "raw" / feed / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if golden.exists():
            data = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
            with open(golden, "ab") as fh:
                fh.write(data)
        else:
            shutil.copyfile(path, target)
    ledger = source / "ledger" / "2026-02.jsonl"
    ledger.parent.mkdir(parents=True)
    ledger.write_text(
        "".join(
            json.dumps({
                "period": "2026-02", "sale_id": sale_id, "tier": tier, "partner_id": partner_id,
                "delta_usd": delta, "kind": "new", "paid_total_usd": delta,
                "threshold_usd": "50.00", "closed_at": "2026-03-10T12:00:00Z",
            }) + "\n"
            for sale_id, tier, partner_id, delta in LEDGER_2026_02
        )
    )  # fmt: skip
    edge = source / "raw" / "sales" / "2026-11-01.jsonl"
    assert not edge.exists() and not edge.with_suffix(".jsonl.gz").exists()
    edge.write_text("\n".join(EDGE_SALES) + "\n")


def _wait_for_manifest(process: subprocess.Popen, output: Path, timeout: float = 300) -> None:
    """Until the run has parsed dbt's manifest (the runs share dbt/target)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if "[run] loading log dates" in output.read_text():
            return
        time.sleep(0.5)


ENGINES = ("spark", "duckdb")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    """The same logs through both engines, run at the same time (a local Spark run spends
    much of its time in JVM start-up and per-query planning): (DuckDB dir, Spark dir)."""
    tmp = tmp_path_factory.mktemp("golden_and_small")
    _prepare(tmp / "source")
    started = {}
    for engine in ENGINES:
        data_dir = tmp / engine
        shutil.copytree(tmp / "source" / "raw", data_dir / "raw")
        shutil.copytree(tmp / "source" / "ledger", data_dir / "ledger")
        started[engine] = _start(data_dir, engine)
        _wait_for_manifest(started[engine], tmp / f"{engine}.out")
    try:
        for engine, process in started.items():
            process.wait(timeout=1200)
            output = (tmp / f"{engine}.out").read_text()
            assert process.returncode == 0, f"{engine} run failed:\n{output[-6000:]}"
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
    return tmp / "duckdb", tmp / "spark"


def test_both_datasets_are_in_the_marts(runs):
    """The comparison covers the golden scenario (P1..P5) and the generated data (P00001..)."""
    with duckdb.connect(str(runs[1] / "marts.duckdb"), read_only=True) as con:
        ids = {r[0] for r in con.execute("SELECT partner_id FROM fct_commissions").fetchall()}
    assert {"P1", "P2", "P3"} <= ids
    assert any(i.startswith("P0") for i in ids)


def test_closed_period_is_in_the_payout_marts(runs):
    """The hand-written ledger's period, as both engines publish it."""
    for data_dir in runs:
        with duckdb.connect(str(data_dir / "marts.duckdb"), read_only=True) as con:
            paid = con.execute(
                "SELECT partner_id, payout_usd, carried_out_usd FROM payouts ORDER BY 1"
            ).fetchall()
            assert paid == [
                ("P1", Decimal("0.00"), Decimal("0.51")),
                ("P2", Decimal("0.00"), Decimal("7.53")),
                ("P3", Decimal("80.00"), Decimal("0.00")),
            ]
            back = con.execute(
                "SELECT adjustment_usd FROM payout_preview WHERE partner_id = 'P3'"
            ).fetchone()
            assert back[0] <= Decimal("-60.00")


def _normalise(value):
    if isinstance(value, Decimal):
        return str(value)  # exact, scale included
    return value


def _rows(con: duckdb.DuckDBPyConnection, relation: str, columns: list[str]) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(f"SELECT {cols} FROM {relation}").fetchall()
    return sorted(
        (tuple(_normalise(v) for v in row) for row in rows),
        key=lambda r: json.dumps(r, default=str),
    )


def _schema(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def _spark_table(spark_dir: Path, schema: str, table: str) -> str:
    location = spark_dir / "spark" / "warehouse" / f"{schema}.db" / table
    assert location.is_dir(), f"no Spark table {schema}.{table} at {location}"
    # a partitioned table (log_date=…/ folders, e.g. audit.rejected_events) or a plain one
    return f"read_parquet('{location}/**/*.parquet', hive_partitioning = true)"


def _assert_same(expected: list[tuple], actual: list[tuple], what: str) -> None:
    if expected == actual:
        return
    only_expected = [r for r in expected if r not in actual][:5]
    only_actual = [r for r in actual if r not in expected][:5]
    pytest.fail(
        f"{what}: {len(expected)} rows on DuckDB, {len(actual)} on Spark\n"
        f"  only on DuckDB: {only_expected}\n  only on Spark:  {only_actual}"
    )


@pytest.mark.parametrize("mart", MARTS)
def test_mart_equals_duckdb_row_for_row(runs, mart):
    duck_dir, spark_dir = runs
    with duckdb.connect(str(duck_dir / "marts.duckdb"), read_only=True) as duck:
        schema = _schema(duck, mart)
        columns = [name for name, _ in schema if name != PUBLISH_INSTANT.get(mart)]
        expected = _rows(duck, mart, columns)
    assert expected, f"{mart} is empty: the comparison would prove nothing"
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        table = _spark_table(spark_dir, "marts", mart)
        assert _schema(con, table) == schema, f"{mart}: columns or types differ"
        _assert_same(expected, _rows(con, table, columns), f"Spark table marts.{mart}")
    with duckdb.connect(str(spark_dir / "marts.duckdb"), read_only=True) as published:
        assert _schema(published, mart) == schema
        _assert_same(expected, _rows(published, mart, columns), f"Spark-published {mart}")


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("rejected_events", ["feed", "log_date", "file_name", "line_number", "reason"]),
        (
            "line_reconciliation",
            ["feed", "log_date", "raw_lines", "staged", "rejected", "duplicates"],
        ),
        ("orphan_reversals", ["sale_id", "reason", "amount"]),
    ],
)
def test_audit_equals_duckdb(runs, table, columns):
    duck_dir, spark_dir = runs
    with duckdb.connect(str(duck_dir / "warehouse.duckdb"), read_only=True) as duck:
        expected = _rows(duck, f"audit.{table}", columns)
    with duckdb.connect() as con:
        actual = _rows(con, _spark_table(spark_dir, "audit", table), columns)
    _assert_same(expected, actual, f"audit.{table}")


@pytest.mark.parametrize("feed", ["clicks", "signups", "sales", "partner_status", "fx_rates"])
def test_raw_tables_equal_duckdb(runs, feed):
    """The Spark raw loader loaded the very rows the DuckDB loader did."""
    from dagster_project.engines import spark_dirs
    from dagster_project.engines.spark_publish import spark_warehouse_views

    duck_dir, spark_dir = runs
    columns = ["log_date", "file_name", "line_number", "raw_line", "is_valid_utf8"]
    with duckdb.connect(str(duck_dir / "warehouse.duckdb"), read_only=True) as duck:
        expected = _rows(duck, f"raw.{feed}", columns)
    with duckdb.connect() as con:
        assert f"raw.{feed}" in spark_warehouse_views(con, spark_dirs(spark_dir))
        actual = _rows(con, f"raw.{feed}", columns)
    _assert_same(expected, actual, f"raw.{feed}")
