"""dbt staging + staging audit: raw log lines -> typed, deduplicated rows, rejects, reconciliation.

A temporary DuckDB gets `raw.<feed>` tables (as the Dagster loader creates them) filled with a
handful of hand-written lines per feed; `dbt build` runs on the staging models and the staging
audit models; every expected figure below was worked out by hand from SPEC §2.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.ingest.ledger_loading import ensure_ledger_schema
from dagster_project.defs.ingest.raw_loading import RAW_COLUMNS, ensure_raw_schema
from tests.dbt_commands import check_row_rules_of, dbt_command

SELECT = [
    "staging",
    "audit_rejected_events",
    "audit_duplicate_events",
    "audit_line_reconciliation",
]
FEEDS = ("clicks", "signups", "sales", "partner_status", "fx_rates")
D = Decimal
J30, J31 = date(2026, 1, 30), date(2026, 1, 31)
F30, F31 = "2026-01-30.jsonl", "2026-01-31.jsonl.gz"

TS_REASON = "ts is not an ISO-8601 timestamp (e.g. 2026-01-31T13:45:00Z)"


def js(**fields) -> str:
    return json.dumps(fields, separators=(",", ":"))


def sale(sale_id, amount, *, type_="charge", currency="USD", **extra) -> str:
    # `amount` is spliced in as written, so JSON numbers keep their exact literal (10.1, 1e2).
    head = js(sale_id=sale_id, ts="2026-01-30T10:00:00Z", customer_id="C1", type=type_)
    tail = js(currency=currency, **extra)
    return head[:-1] + f',"amount":{amount},' + tail[1:]


# feed -> log date -> lines; a line is its text, or (text, is_valid_utf8)
RAW: dict[str, dict[date, list]] = {
    "clicks": {
        J30: [
            js(click_id="k1", ts="2026-01-30T08:00:00+02:00", partner_id="P1", visitor_id="v1"),
            js(click_id="k2", ts="2026-01-30T09:00:00", partner_id="P1", landing="product"),
            js(click_id="k1", ts="2026-01-30T08:00:00+02:00", partner_id="P1", visitor_id="v1"),
            js(click_id="k5", ts="2026-01-30T09:00:00Z"),
            ('{"click_id":"k6\ufffd","ts":"2026-01-30T09:00:00Z","partner_id":"P1"}', False),
        ],
        J31: [
            js(click_id="k2", ts="2026-01-30T09:00:00", partner_id="P1", landing="partner_program"),
            js(click_id="k3", ts="2026-01-31T23:30:00-01:00", partner_id="P2", url=""),
            js(click_id="k4", ts="2026-01-31T10:00:00Z", partner_id="P1", landing="home"),
            # k3 again, with a url where its first delivery's was blank (compared from the
            # raw lines: base_clicks keeps no url)
            js(
                click_id="k3",
                ts="2026-01-31T23:30:00-01:00",
                partner_id="P2",
                url="https://example.com/?ref=P2",
            ),
        ],
    },
    "signups": {
        J30: [
            js(signup_id="u1", ts="2026-01-30T10:00:00Z", kind="partner", account_id="P1"),
            js(
                signup_id="u2",
                ts="2026-01-30T11:00:00Z",
                kind="customer",
                account_id="C1",
                ref_partner_id="P1",
                program="solution",
                email_hash="h1",
            ),
            js(signup_id="u3", ts="2026-01-30T12:00:00Z", kind="reseller", account_id="R1"),
            js(
                signup_id="u4",
                ts="2026-01-30T13:00:00Z",
                kind="partner",
                account_id="P2",
                program="solution",
                ref_partner_id="P1",
            ),
        ],
    },
    "sales": {
        J30: [
            sale("s1", "10.1"),
            sale("s2", '"19.99"', currency="eur"),
            sale("s3", "0.1"),
            sale("s4", "1234567.1234"),
            sale("s5", "1e2"),
            sale("s6", "-5"),
            sale("s7", "1.23456"),
            "not json",
            sale("s1", "10.1"),
        ],
        J31: [
            sale("s1", "10.10"),
            sale("s8", '"5.5"', type_="refund", refers_to="s1"),
            sale("s9", "3", type_="Charge"),
            sale("s10", "3", currency=None),
        ],
    },
    "partner_status": {
        J31: [
            js(event_id="e1", ts="2026-01-31T00:30:00+01:00", partner_id="P1", status="suspended"),
            js(event_id="e2", ts="2026-01-31T00:30:00Z", partner_id="P1", status="paused"),
        ],
    },
    "fx_rates": {
        J30: [
            js(date="2026-01-30", currency="EUR", usd_per_unit=1.0845),
            '{"date":"2026-01-30","currency":"EUR","usd_per_unit":"1.09"}',
            '{"date":"2026-01-30","currency":"GBP","usd_per_unit":0}',
        ],
    },
}


def file_name(log_date: date) -> str:
    return F30 if log_date == J30 else F31


def write_raw(warehouse: Path, raw: dict[str, dict[date, list]]) -> None:
    """(Re)create raw.<feed> as the loader does and fill it; values go in as parameters."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        ensure_raw_schema(con)  # the loader's bookkeeping tables too
        ensure_ledger_schema(con)  # an empty ledger: no period closed
        for feed in FEEDS:  # identifiers from a fixed list
            con.execute(f"CREATE OR REPLACE TABLE raw.{feed} ({RAW_COLUMNS})")
            for log_date, lines in raw.get(feed, {}).items():
                for number, line in enumerate(lines, start=1):
                    text, valid = line if isinstance(line, tuple) else (line, True)
                    con.execute(
                        f"INSERT INTO raw.{feed} VALUES (?, ?, ?, ?, ?, false)",
                        [log_date, file_name(log_date), number, text, valid],
                    )
    finally:
        con.close()


def replace_raw_lines(warehouse: Path, feed: str, log_date: date, lines: list) -> None:
    """What the loader does on a redelivered file: replace the log date's rows."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(f"DELETE FROM raw.{feed} WHERE log_date = ?", [log_date])
        for number, line in enumerate(lines, start=1):
            con.execute(
                f"INSERT INTO raw.{feed} VALUES (?, ?, ?, ?, true, false)",
                [log_date, file_name(log_date), number, line],
            )
    finally:
        con.close()


def dbt_build(warehouse: Path, work: Path, log_dates: list[str] | None = None):
    """dbt build of the staging models; `log_dates` passed as a pipeline run passes it."""
    vars_ = None if log_dates is None else {"log_dates": log_dates}
    return dbt_command(warehouse, work / "target", "build", "--select", *SELECT, vars_=vars_)


def build_ok(warehouse: Path, work: Path, log_dates: list[str] | None = None) -> None:
    result = dbt_build(warehouse, work, log_dates)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("dbt_staging")
    warehouse = work / "warehouse.duckdb"
    write_raw(warehouse, RAW)
    build_ok(warehouse, work)
    return warehouse


# ------------------------------------------------------------------------------ contract


def test_staging_column_contract(built):
    def columns(table):
        return [(r[0], r[1]) for r in query(built, f"DESCRIBE {table}")]

    lineage = [("log_date", "DATE"), ("file_name", "VARCHAR"), ("line_number", "BIGINT")]
    # url, ip and user_agent are checked, not kept: audit.duplicate_events reads them from
    # the raw lines of the deliveries it compares (no other model reads them)
    assert columns("staging.stg_clicks") == [
        ("click_id", "VARCHAR"), ("clicked_at", "TIMESTAMP"), ("partner_id", "VARCHAR"),
        ("visitor_id", "VARCHAR"), ("landing", "VARCHAR"), *lineage,
    ]  # fmt: skip
    assert columns("staging.base_clicks") == [
        ("click_id", "VARCHAR"), ("clicked_at", "TIMESTAMP"), ("partner_id", "VARCHAR"),
        ("visitor_id", "VARCHAR"), ("landing", "VARCHAR"), *lineage,
        ("raw_line", "VARCHAR"), ("rejection_reason", "VARCHAR"),
    ]  # fmt: skip
    assert columns("staging.stg_signups") == [
        ("signup_id", "VARCHAR"), ("signed_up_at", "TIMESTAMP"), ("signup_kind", "VARCHAR"),
        ("account_id", "VARCHAR"), ("visitor_id", "VARCHAR"), ("ref_partner_id", "VARCHAR"),
        ("program", "VARCHAR"), ("email_hash", "VARCHAR"), *lineage,
    ]  # fmt: skip
    assert columns("staging.stg_sales") == [
        ("sale_id", "VARCHAR"), ("sold_at", "TIMESTAMP"), ("customer_id", "VARCHAR"),
        ("sale_type", "VARCHAR"), ("amount", "DECIMAL(18,4)"), ("currency", "VARCHAR"),
        ("refers_to", "VARCHAR"), *lineage,
    ]  # fmt: skip
    assert columns("staging.stg_partner_status") == [
        ("event_id", "VARCHAR"), ("status_at", "TIMESTAMP"), ("partner_id", "VARCHAR"),
        ("status", "VARCHAR"), *lineage,
    ]  # fmt: skip
    assert columns("staging.stg_fx_rates") == [
        ("rate_date", "DATE"), ("currency", "VARCHAR"), ("usd_per_unit", "DECIMAL(38,28)"),
        *lineage,
    ]  # fmt: skip
    assert columns("audit.rejected_events") == [
        ("feed", "VARCHAR"), ("log_date", "DATE"), ("file_name", "VARCHAR"),
        ("line_number", "BIGINT"), ("raw_line", "VARCHAR"), ("reason", "VARCHAR"),
    ]  # fmt: skip


def test_clicks_ids_are_stored_zstd(built):
    """meta.zstd_columns (macros/materializations/zstd_columns.sql): the table's DDL names
    zstd for exactly those columns, the stored segments are zstd, and the types are the
    query's own (test_staging_column_contract)."""
    zstd = ["click_id", "visitor_id"]
    for table in ("base_clicks", "stg_clicks"):
        (ddl,) = query(
            built,
            "SELECT sql FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name = ?",
            [table],
        )[0]
        declared = re.findall(r"(\w+) VARCHAR USING COMPRESSION ZSTD", ddl)
        assert sorted(declared) == sorted(zstd), ddl
        stored = query(
            built,
            "SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info(?)"
            " WHERE segment_type = 'VARCHAR' GROUP BY 1",
            [f"staging.{table}"],
        )
        assert {c for c, kinds in stored if kinds == ["ZSTD"]} == set(zstd), stored


# ------------------------------------------------------------------------------ parsing


def test_sales_amounts_are_exact_decimals(built):
    rows = query(
        built,
        "SELECT sale_id, amount, CAST(amount AS VARCHAR), currency, sale_type, refers_to"
        " FROM staging.stg_sales ORDER BY line_number, log_date",
    )
    assert rows == [
        ("s1", D("10.1000"), "10.1000", "USD", "charge", None),
        ("s2", D("19.9900"), "19.9900", "EUR", "charge", None),  # string amount, 'eur'
        ("s8", D("5.5000"), "5.5000", "USD", "refund", "s1"),
        ("s3", D("0.1000"), "0.1000", "USD", "charge", None),
        ("s4", D("1234567.1234"), "1234567.1234", "USD", "charge", None),
        ("s5", D("100.0000"), "100.0000", "USD", "charge", None),  # 1e2
    ]


def test_timestamps_are_utc(built):
    assert query(built, "SELECT click_id, clicked_at FROM staging.stg_clicks ORDER BY 1") == [
        ("k1", datetime(2026, 1, 30, 6, 0)),  # +02:00
        ("k2", datetime(2026, 1, 30, 9, 0)),  # no offset: UTC
        ("k3", datetime(2026, 2, 1, 0, 30)),  # -01:00 crosses midnight (and the month)
    ]
    assert query(built, "SELECT event_id, status_at, status FROM staging.stg_partner_status") == [
        ("e1", datetime(2026, 1, 30, 23, 30), "suspended")
    ]


def test_optional_fields_and_defaults(built):
    assert query(
        built,
        "SELECT click_id, visitor_id, landing FROM staging.stg_clicks ORDER BY 1",
    ) == [("k1", "v1", None), ("k2", None, "product"), ("k3", None, None)]
    assert query(
        built,
        "SELECT signup_id, signup_kind, account_id, ref_partner_id, program, email_hash"
        " FROM staging.stg_signups ORDER BY 1",
    ) == [
        ("u1", "partner", "P1", None, "affiliate", None),  # partner without program
        ("u2", "customer", "C1", "P1", None, "h1"),  # customers have no program
        ("u4", "partner", "P2", "P1", "solution", None),
    ]
    assert query(built, "SELECT * FROM staging.stg_fx_rates") == [
        (J30, "EUR", D("1.0845000000"), J30, F30, 1)
    ]


# ------------------------------------------------------------------------------ audit


def test_rejected_events_have_actionable_reasons(built):
    rows = query(
        built,
        "SELECT feed, log_date, file_name, line_number, reason FROM audit.rejected_events"
        " ORDER BY feed, log_date, line_number",
    )
    assert rows == [
        ("clicks", J30, F30, 4, "missing required field: partner_id"),
        ("clicks", J30, F30, 5, "line is not valid UTF-8"),
        ("clicks", J31, F31, 3, "landing must be one of product, partner_program"),
        ("fx_rates", J30, F30, 3, "usd_per_unit must be > 0"),
        ("partner_status", J31, F31, 2, "status must be one of active, suspended, terminated"),
        ("sales", J30, F30, 6, "amount must be > 0"),
        ("sales", J30, F30, 7, "amount has more than 4 decimal places"),
        ("sales", J30, F30, 8, "not valid JSON"),
        ("sales", J31, F31, 3, "type must be one of charge, refund, chargeback"),
        ("sales", J31, F31, 4, "missing required field: currency"),
        ("signups", J30, F30, 3, "kind must be one of customer, partner"),
    ]
    # kept verbatim
    assert query(
        built,
        "SELECT raw_line FROM audit.rejected_events WHERE feed = 'sales' AND line_number = 8",
    ) == [("not json",)]


def test_duplicates_point_to_the_first_delivery(built):
    rows = query(
        built,
        "SELECT feed, log_date, file_name, line_number, event_id,"
        " first_log_date, first_file_name, first_line_number, same_payload"
        " FROM audit.duplicate_events ORDER BY feed, log_date, line_number",
    )
    assert rows == [
        ("clicks", J30, F30, 3, "k1", J30, F30, 1, True),
        ("clicks", J31, F31, 1, "k2", J30, F30, 2, False),  # landing differs: not applied
        ("clicks", J31, F31, 4, "k3", J31, F31, 2, False),  # url differs (raw lines)
        ("fx_rates", J30, F30, 2, "2026-01-30|EUR", J30, F30, 1, False),
        ("sales", J30, F30, 9, "s1", J30, F30, 1, True),
        ("sales", J31, F31, 1, "s1", J30, F30, 1, True),  # 10.10 == 10.1
    ]
    # the first delivery is the one staged
    assert query(built, "SELECT landing FROM staging.stg_clicks WHERE click_id = 'k2'") == [
        ("product",)
    ]
    # each redelivery's text is its own raw line, verbatim (base_<feed> no longer has it)
    assert query(
        built,
        "SELECT d.feed, d.log_date, d.line_number, d.raw_line = r.raw_line"
        " FROM audit.duplicate_events d JOIN ("
        "   SELECT 'clicks' AS feed, * FROM raw.clicks UNION ALL"
        "   SELECT 'fx_rates', * FROM raw.fx_rates UNION ALL SELECT 'sales', * FROM raw.sales"
        " ) r USING (feed, log_date, file_name, line_number) ORDER BY 1, 2, 3",
    ) == [(feed, day, line, True) for feed, day, _, line, *_ in rows]


def test_base_models_keep_the_text_of_rejected_lines_only(built):
    for feed in ("clicks", "signups", "sales", "partner_status", "fx_rates"):
        kept = query(
            built,
            f"SELECT rejection_reason IS NOT NULL, count(*), count(raw_line)"
            f" FROM staging.base_{feed} GROUP BY ALL ORDER BY 1",
        )
        valid = [(n, texts) for rejected, n, texts in kept if not rejected]
        rejected = [(n, texts) for rejected, n, texts in kept if rejected]
        assert valid and valid[0][1] == 0, (feed, kept)  # valid lines: no copy of the text
        assert all(n == texts for n, texts in rejected), (feed, kept)  # rejected: every one


def test_lines_reconcile_per_feed_and_log_date(built):
    rows = query(built, "SELECT * FROM audit.line_reconciliation ORDER BY feed, log_date")
    assert rows == [
        # feed, log date, raw lines, staged, rejected, duplicates
        ("clicks", J30, 5, 2, 2, 1),
        ("clicks", J31, 4, 1, 1, 2),
        ("fx_rates", J30, 3, 1, 1, 1),
        ("partner_status", J31, 2, 1, 1, 0),
        ("sales", J30, 9, 5, 3, 1),
        ("sales", J31, 4, 1, 2, 1),
        ("signups", J30, 4, 3, 1, 0),
    ]
    for _, _, raw_lines, staged, rejected, duplicates in rows:
        assert raw_lines == staged + rejected + duplicates


def test_row_rules_fail_naming_each_broken_rule_and_its_rows(built, tmp_path):
    """A model's row rules (macros/validation/row_rules.sql), checked on a copy of the built
    warehouse with three bad rows and a key on two rows: the error names every broken rule,
    the number of rows breaking it and the first failing row's key."""
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(built.read_bytes())
    passing = check_row_rules_of(warehouse, tmp_path / "target", "audit_line_reconciliation")
    assert passing.returncode == 0, passing.stdout[-3000:]
    assert 'line_reconciliation": every row keeps them' in passing.stdout
    con = duckdb.connect(str(warehouse))
    try:
        table = "audit.line_reconciliation"
        con.execute(
            f"UPDATE {table} SET staged = staged + 1 WHERE feed = 'clicks'"
        )  # rule 1, 2 rows
        con.execute(f"UPDATE {table} SET rejected = NULL WHERE feed = 'signups'")  # NULL, rule 1
        con.execute(f"UPDATE {table} SET feed = 'bogus' WHERE feed = 'fx_rates'")  # rule 2
        # the key (feed, log_date) on two rows
        con.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE feed = 'partner_status'")
    finally:
        con.close()
    failing = check_row_rules_of(warehouse, tmp_path / "target", "audit_line_reconciliation")
    assert failing.returncode != 0
    assert (
        'row rules of "warehouse"."audit"."line_reconciliation" broken:'
        " not_null rejected: 1 row(s);"
        " expression 1 (raw_lines = staged + rejected + duplicates): 3 row(s);"
        " expression 2 (feed in ('clicks', 'signups', 'sales', 'partner_status', 'fx_rates')):"
        " 1 row(s);"
        " unique key (feed, log_date): 2 row(s);"
        " first failing row: feed=bogus | log_date=2026-01-30"
    ) in failing.stdout, failing.stdout[-3000:]


def test_a_model_breaking_its_row_rules_fails_its_build_and_keeps_its_rows(built, tmp_path):
    """The rules are checked inside the model's build: a build whose rows break one fails,
    names the rule, and commits nothing (incremental audit.duplicate_events keeps the rows it
    had, without the night's new redelivery); what depends on it is skipped."""
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(built.read_bytes())
    con = duckdb.connect(str(warehouse))
    try:
        # k1's redelivery on the first night breaks `feed in (...)`; the second night does not
        # deliver k1, so it leaves that row as it is
        con.execute("UPDATE audit.duplicate_events SET feed = 'bogus' WHERE event_id = 'k1'")
    finally:
        con.close()
    duplicates = "SELECT feed, log_date, line_number, event_id FROM audit.duplicate_events"
    tampered = query(warehouse, duplicates + " ORDER BY ALL")
    assert ("bogus", J30, 3, "k1") in tampered
    # the second night delivers s2 again: a new row of audit.duplicate_events
    redelivered = sale("s2", '"19.99"', currency="eur")
    replace_raw_lines(warehouse, "sales", J31, [*RAW["sales"][J31], redelivered])
    failing = dbt_command(
        warehouse,
        tmp_path / "target",
        "build",
        "--select",
        *SELECT,
        vars_={"log_dates": ["2026-01-31"], "rebuild_deduplication": False},
    )
    assert failing.returncode != 0
    assert (
        'row rules of "warehouse"."audit"."duplicate_events" broken: expression 2 (feed in'
        " ('clicks', 'signups', 'sales', 'partner_status', 'fx_rates')): 1 row(s); first"
        " failing row: feed=bogus | log_date=2026-01-30 | file_name=2026-01-30.jsonl"
        " | line_number=3"
    ) in failing.stdout, failing.stdout[-3000:]
    assert query(warehouse, duplicates + " ORDER BY ALL") == tampered  # s2's not committed
    # upstream stg_sales built the night; downstream audit.line_reconciliation was skipped
    assert query(
        warehouse,
        "SELECT count(*) FROM staging.base_sales WHERE line_number = 5"
        " AND log_date = DATE '2026-01-31'",
    ) == [(1,)]
    assert "SKIP" in failing.stdout


# ------------------------------------------------------------------------------ incremental


def test_incremental_run_reprocesses_only_the_selected_log_dates(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    write_raw(warehouse, RAW)
    build_ok(warehouse, tmp_path)
    base_j30 = "SELECT * FROM staging.base_sales WHERE log_date = DATE '2026-01-30' ORDER BY ALL"
    base_j30_before = query(warehouse, base_j30)

    # Redelivered files: 01-31 fixes s9's type and drops the s10 line; 01-30 now has a valid
    # s6 — but only 01-31 is selected, so the 01-30 change must not be picked up.
    replace_raw_lines(
        warehouse,
        "sales",
        J31,
        [sale("s1", "10.10"), sale("s8", '"5.5"', type_="refund", refers_to="s1"), sale("s9", "3")],
    )
    j30 = list(RAW["sales"][J30])
    j30[5] = sale("s6", "5")
    replace_raw_lines(warehouse, "sales", J30, j30)
    # and the clicks file of 01-31 is gone: the loader emptied that partition
    replace_raw_lines(warehouse, "clicks", J31, [])

    build_ok(warehouse, tmp_path, log_dates=["2026-01-31"])

    assert query(warehouse, base_j30) == base_j30_before
    assert query(
        warehouse,
        "SELECT line_number, sale_id, sale_type, rejection_reason FROM staging.base_sales"
        " WHERE log_date = DATE '2026-01-31' ORDER BY 1",
    ) == [(1, "s1", "charge", None), (2, "s8", "refund", None), (3, "s9", "charge", None)]
    assert query(warehouse, "SELECT sale_id FROM staging.stg_sales ORDER BY 1") == [
        ("s1",), ("s2",), ("s3",), ("s4",), ("s5",), ("s8",), ("s9",),
    ]  # fmt: skip
    assert query(
        warehouse, "SELECT count(*) FROM staging.base_clicks WHERE log_date = DATE '2026-01-31'"
    ) == [(0,)]
    assert query(
        warehouse,
        "SELECT feed, log_date, raw_lines, staged, rejected, duplicates"
        " FROM audit.line_reconciliation WHERE feed IN ('sales', 'clicks') ORDER BY 1, 2",
    ) == [
        ("clicks", J30, 5, 2, 2, 1),
        ("sales", J30, 9, 5, 3, 1),  # s6 still rejected: 01-30 was not reprocessed
        ("sales", J31, 3, 2, 0, 1),
    ]

    # A run with no new logs (log_dates = []) reprocesses nothing: s6 stays rejected.
    build_ok(warehouse, tmp_path, log_dates=[])
    assert query(
        warehouse, "SELECT rejection_reason IS NULL FROM staging.base_sales WHERE sale_id = 's6'"
    ) == [(False,)]

    # An ordinary run (log_dates unset = all of them) picks up 01-30's redelivery too.
    build_ok(warehouse, tmp_path)
    assert query(
        warehouse, "SELECT amount, rejection_reason FROM staging.base_sales WHERE sale_id = 's6'"
    ) == [(D("5.0000"), None)]
    assert query(
        warehouse, "SELECT * FROM audit.line_reconciliation WHERE feed = 'sales' ORDER BY 2"
    ) == [("sales", J30, 9, 6, 2, 1), ("sales", J31, 3, 2, 0, 1)]


def test_log_dates_var_is_validated(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    write_raw(warehouse, RAW)
    # as a dbt var on the command line (by hand); a run passes it as the others here do
    bad = {"log_dates": ["2026-01-31' OR true --"]}
    result = dbt_command(
        warehouse, tmp_path / "target", "build", "--select", *SELECT, "--vars", json.dumps(bad)
    )
    assert result.returncode != 0
    assert "var log_dates: expected 'YYYY-MM-DD' strings" in result.stdout


def test_a_warehouse_whose_base_models_kept_valid_lines_text_still_passes(built, tmp_path):
    """Upgrading: base_<feed> rows built before valid lines lost their copy of the text keep
    it; the row rule only asks rejected lines for theirs."""
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(built.read_bytes())
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            "UPDATE staging.base_sales SET raw_line = 'as loaded' WHERE rejection_reason IS NULL"
        )
    finally:
        con.close()
    passing = check_row_rules_of(warehouse, tmp_path / "target", "base_sales")
    assert passing.returncode == 0, passing.stdout[-3000:]
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("UPDATE staging.base_sales SET raw_line = NULL WHERE line_number = 8")
    finally:
        con.close()
    failing = check_row_rules_of(warehouse, tmp_path / "target", "base_sales")
    assert failing.returncode != 0
    # the rejected line 8 ('not json') lost its text
    assert "expression 1 (rejection_reason is null or raw_line is not null): 1 row(s)" in (
        failing.stdout
    ), failing.stdout[-3000:]
