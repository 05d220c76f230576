"""Golden end-to-end scenario: ~40 hand-made log lines through `python -m dagster_project run`.

Every expected figure below was worked out by hand from SPEC §3 (rates: affiliate 20 %,
solution 25 %, tier 2 5 %; window 120 days; FX max age 7 days; holding 30 days).

Partners
  P1 affiliate 01-01, root.
  P2 solution  01-02, ref_partner_id=P1                    -> recruiter P1 (parameter)
  P3 affiliate 01-03, click by P2 on its visitor           -> recruiter P2 (cookie)
  P4 affiliate 01-04, ref_partner_id=P4 (itself)           -> self-referral, root
  P5 affiliate 01-04, ref=P1 but same email_hash as P1     -> self-referral skipped,
                      then P2's click                      -> recruiter P2 (cookie)
  P2 signs up again on 01-20 with ref=P3: ignored (earliest signup wins).
  Status: P2 suspended 01-20 .. active again 02-10; P1 terminated 02-20.
Customers
  C1 ref_partner_id=P3 and a click by P1                   -> P3 (parameter beats cookie)
  C2 clicks by P1 (08:00) then P2 (12:00)                  -> P2 (latest click wins)
  C3 only click exactly 120 days before signup             -> unattributed (window edge)
  C4 only click by P5 one day before P5 existed            -> unattributed
  C5 clicks by P4 (01-06) then P3 (01-07); C5 has P3's email_hash: the latest click is a
     self-referral                                         -> unattributed (P4's older
     click is not tried: the browser kept only the latest cookie)
Sales (USD unless said; EUR 1.1 on 01-14, 1.2 on 02-01; GBP 1.3 on 02-20 only)
  S1  C1 charge 100.00 01-10      P3 t1 20.00   P2 t2 5.00
  S2  C2 charge 10.1 (number) 01-10  P2 t1 2.53 (2.525)   P1 t2 0.51 (0.505)
  S3  C1 charge EUR 50 01-15 -> 55.00 (rate of 01-14)   P3 t1 11.00   P2 t2 2.75
  S4  refund of S3, EUR 20 on 02-01 at S3's rate 1.1 -> -22.00   P3 -4.40   P2 -1.10
  S5  C1 charge 40.00 01-25       P3 t1 8.00    P2 suspended: no t2
  S6  chargeback of S5, 40.00 02-15   P3 -8.00  (no t2 clawback: none was paid)
  S7  C2 charge 20.00 01-25       P2 suspended: no t1   P1 t2 1.00
  S8  C2 charge 30.00 02-25       P2 t1 7.50    P1 terminated: no t2
  S9  C1 charge GBP 10 02-28      rate 8 days old: no USD value, no commission
  S10 refund of unknown S999      orphan: no commission, reported in audit
  S11 C3 charge 10.00             unattributed customer: nothing
  S12 C9 charge 10.00             no known signup: nothing
  S15 C1 charge 12000 JPY 03-02 at 0.00665247139633166 (03-01; 17 decimals, used exactly)
      = 79.82965675597992 -> 79.83   P3 t1 15.97 (15.966)   P2 t2 3.99 (3.9915)
  S16 C1 charge 99999999 BTC at 9999999999 -> 999999989900000001 USD: too large for
      DECIMAL(18, 2): held with that reason, no commission, no failure
  S17 C2 charge 10.00 02-11       P2 t1 2.50    P1 t2 0.50 (P1 still active)
  S18 refund in EUR of S1 (a USD charge) -> orphan, `currency differs from its charge`
  A rate of 10000000000 (>= 1e10) is rejected, as too large.
  S1 is delivered twice, S8 again on 03-11 (2 duplicates); 6 lines are rejected.
"Now" = the last log date with a file: 2026-03-13, an empty clicks file (03-11 held only a
duplicate, 03-12 only a rejected line). Lines sold on or before 02-11 are payable (S17 just
so; with 03-10 it would be pending); S6, S8, S15 are pending.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli

D = Decimal


def write_feed(data_dir: Path, feed: str, log_date: str, lines: list) -> None:
    path = data_dir / "raw" / feed / f"{log_date}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path.write_text(text + "\n")


def partner(sid, ts, account, program, ref=None, visitor=None, email=None):
    return {
        "signup_id": sid, "ts": ts, "kind": "partner", "account_id": account, "program": program,
        "ref_partner_id": ref, "visitor_id": visitor, "email_hash": email,
    }  # fmt: skip


def customer(sid, ts, account, ref=None, visitor=None, email=None):
    return {
        "signup_id": sid, "ts": ts, "kind": "customer", "account_id": account,
        "ref_partner_id": ref, "visitor_id": visitor, "email_hash": email,
    }  # fmt: skip


def click(cid, ts, partner_id, visitor, landing="product"):
    return {"click_id": cid, "ts": ts, "partner_id": partner_id, "visitor_id": visitor,
            "landing": landing, "url": f"https://example.com/?ref={partner_id}"}  # fmt: skip


def sale(sid, ts, cust, kind, amount, currency="USD", refers_to=None):
    line = {"sale_id": sid, "ts": ts, "customer_id": cust, "type": kind, "amount": amount,
            "currency": currency}  # fmt: skip
    if refers_to:
        line["refers_to"] = refers_to
    return line


def status(eid, ts, partner_id, value):
    return {"event_id": eid, "ts": ts, "partner_id": partner_id, "status": value}


@pytest.fixture(scope="module")
def golden(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("golden")
    write_golden_logs(d)
    done = run_cli("run", "--data-dir", str(d))
    assert done.returncode == 0, done.stdout + done.stderr
    (d / "run_stdout.txt").write_text(done.stdout)
    return d


def write_golden_logs(d: Path) -> None:
    """The scenario's raw logs under `d/raw` (also run on Spark by tests/spark)."""
    write_feed(d, "clicks", "2025-09-09", [click("k1", "2025-09-07T00:00:00Z", "P1", "vc3")])
    write_feed(d, "clicks", "2026-01-08", [
        click("k9", "2026-01-06T08:00:00Z", "P4", "vc5"),
        click("k10", "2026-01-07T08:00:00Z", "P3", "vc5"),
    ])  # fmt: skip
    (d / "raw" / "clicks" / "2026-03-13.jsonl").write_text("")  # delivered, empty
    write_feed(d, "clicks", "2026-01-05", [
        click("k2", "2026-01-03T09:00:00Z", "P2", "v3", "partner_program"),
        click("k3", "2026-01-03T12:00:00Z", "P2", "v5", "partner_program"),
        click("k4", "2026-01-04T08:00:00Z", "P1", "vc1"),
        click("k5", "2026-01-05T08:00:00Z", "P1", "vc2"),
        click("k6", "2026-01-05T12:00:00Z", "P2", "vc2"),
        click("k7", "2026-01-03T15:00:00Z", "P5", "vc4"),
        '{"click_id": "k8", "ts": "2026-01-05T00:00:00Z"',
    ])  # fmt: skip
    write_feed(d, "signups", "2026-01-05", [
        partner("s1", "2026-01-01T00:00:00Z", "P1", "affiliate", email="e1"),
        partner("s2", "2026-01-02T10:00:00+02:00", "P2", "solution", ref="P1", email="e2"),
        partner("s3", "2026-01-03T10:00:00Z", "P3", "affiliate", visitor="v3", email="e3"),
        partner("s4", "2026-01-04T09:00:00Z", "P4", "affiliate", ref="P4", email="e4"),
        partner("s5", "2026-01-04T10:00:00Z", "P5", "affiliate", "P1", "v5", "e1"),
        customer("c1", "2026-01-05T10:00:00Z", "C1", ref="P3", visitor="vc1"),
    ])  # fmt: skip
    write_feed(d, "signups", "2026-01-08", [
        customer("c2", "2026-01-06T10:00:00Z", "C2", visitor="vc2"),
        customer("c3", "2026-01-05T00:00:00Z", "C3", visitor="vc3"),
        customer("c4", "2026-01-08T10:00:00Z", "C4", visitor="vc4"),
        customer("c5", "2026-01-08T11:00:00Z", "C5", visitor="vc5", email="e3"),
    ])  # fmt: skip
    write_feed(
        d,
        "signups",
        "2026-01-21",
        [
            partner("s2b", "2026-01-20T00:00:00Z", "P2", "affiliate", ref="P3", email="e2"),
        ],
    )
    write_feed(
        d,
        "fx_rates",
        "2026-01-15",
        [
            {"date": "2026-01-14", "currency": "EUR", "usd_per_unit": "1.1"},
        ],
    )
    write_feed(d, "fx_rates", "2026-02-21", [
        {"date": "2026-02-01", "currency": "EUR", "usd_per_unit": 1.2},
        {"date": "2026-02-20", "currency": "GBP", "usd_per_unit": "1.3"},
    ])  # fmt: skip
    write_feed(d, "fx_rates", "2026-03-10", [
        '{"date": "2026-03-01", "currency": "JPY", "usd_per_unit": 0.00665247139633166}',
        {"date": "2026-03-01", "currency": "BTC", "usd_per_unit": "9999999999"},
        {"date": "2026-03-01", "currency": "XAU", "usd_per_unit": 10000000000},
    ])  # fmt: skip
    write_feed(d, "sales", "2026-01-15", [
        sale("S1", "2026-01-10T09:00:00Z", "C1", "charge", "100.00"),
        sale("S2", "2026-01-10T10:00:00Z", "C2", "charge", 10.1),
        sale("S3", "2026-01-15T10:00:00Z", "C1", "charge", "50", "EUR"),
    ])  # fmt: skip
    write_feed(d, "sales", "2026-02-20", [
        sale("S4", "2026-02-01T10:00:00Z", "C1", "refund", "20.00", "EUR", refers_to="S3"),
        sale("S5", "2026-01-25T12:00:00Z", "C1", "charge", 40),
        sale("S7", "2026-01-25T12:00:00Z", "C2", "charge", "20.00"),
        sale("S6", "2026-02-15T10:00:00Z", "C1", "chargeback", "40.00", refers_to="S5"),
        sale("S1", "2026-01-10T09:00:00Z", "C1", "charge", "100.00"),
    ])  # fmt: skip
    write_feed(d, "sales", "2026-03-10", [
        sale("S8", "2026-02-25T10:00:00Z", "C2", "charge", "30.00"),
        sale("S9", "2026-02-28T10:00:00Z", "C1", "charge", "10.00", "GBP"),
        sale("S10", "2026-03-01T10:00:00Z", "C1", "refund", "5.00", refers_to="S999"),
        sale("S11", "2026-03-01T10:00:00Z", "C3", "charge", "10.00"),
        sale("S12", "2026-03-01T10:00:00Z", "C9", "charge", "10.00"),
        "this is not json",
        sale("S13", "2026-03-01T10:00:00Z", "C1", "charge", "0"),
        {"sale_id": "S14", "ts": "2026-03-01T10:00:00Z", "customer_id": "C1", "type": "charge",
         "amount": "5.00"},
        sale("S15", "2026-03-02T10:00:00Z", "C1", "charge", 12000, "JPY"),
        sale("S16", "2026-03-02T11:00:00Z", "C1", "charge", "99999999", "BTC"),
        sale("S17", "2026-02-11T10:00:00Z", "C2", "charge", "10.00"),
        sale("S18", "2026-03-03T10:00:00Z", "C1", "refund", "5.00", "EUR", refers_to="S1"),
    ])  # fmt: skip
    write_feed(
        d, "sales", "2026-03-11", [sale("S8", "2026-02-25T10:00:00Z", "C2", "charge", "30.00")]
    )
    write_feed(d, "partner_status", "2026-03-12", ['{"event_id": "e9", "ts": "yesterday"}'])
    write_feed(d, "partner_status", "2026-02-21", [
        status("e1", "2026-01-20T00:00:00Z", "P2", "suspended"),
        status("e2", "2026-02-10T00:00:00Z", "P2", "active"),
        status("e3", "2026-02-20T00:00:00Z", "P1", "terminated"),
    ])  # fmt: skip


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_tier_totals_per_partner(golden):
    rows = query(
        golden / "marts.duckdb",
        "SELECT partner_id, tier, sum(commission_usd) FROM marts.fct_commissions"
        " GROUP BY ALL ORDER BY ALL",
    )
    assert rows == [
        ("P1", 2, D("2.01")),
        ("P2", 1, D("12.53")),
        ("P2", 2, D("10.64")),
        ("P3", 1, D("42.57")),
    ]


def test_commission_lines(golden):
    rows = query(
        golden / "marts.duckdb",
        "SELECT sale_id, partner_id, tier, source_partner_id, amount_usd, rate, commission_usd,"
        " status FROM marts.fct_commissions ORDER BY sale_id, tier",
    )
    assert rows == [
        ("S1", "P3", 1, "P3", D("100.00"), D("0.20"), D("20.00"), "payable"),
        ("S1", "P2", 2, "P3", D("100.00"), D("0.05"), D("5.00"), "payable"),
        ("S15", "P3", 1, "P3", D("79.83"), D("0.20"), D("15.97"), "pending"),
        ("S15", "P2", 2, "P3", D("79.83"), D("0.05"), D("3.99"), "pending"),
        ("S17", "P2", 1, "P2", D("10.00"), D("0.25"), D("2.50"), "payable"),
        ("S17", "P1", 2, "P2", D("10.00"), D("0.05"), D("0.50"), "payable"),
        ("S2", "P2", 1, "P2", D("10.10"), D("0.25"), D("2.53"), "payable"),
        ("S2", "P1", 2, "P2", D("10.10"), D("0.05"), D("0.51"), "payable"),
        ("S3", "P3", 1, "P3", D("55.00"), D("0.20"), D("11.00"), "payable"),
        ("S3", "P2", 2, "P3", D("55.00"), D("0.05"), D("2.75"), "payable"),
        ("S4", "P3", 1, "P3", D("-22.00"), D("0.20"), D("-4.40"), "payable"),
        ("S4", "P2", 2, "P3", D("-22.00"), D("0.05"), D("-1.10"), "payable"),
        ("S5", "P3", 1, "P3", D("40.00"), D("0.20"), D("8.00"), "payable"),
        ("S6", "P3", 1, "P3", D("-40.00"), D("0.20"), D("-8.00"), "pending"),
        ("S7", "P1", 2, "P2", D("20.00"), D("0.05"), D("1.00"), "payable"),
        ("S8", "P2", 1, "P2", D("30.00"), D("0.25"), D("7.50"), "pending"),
    ]


def test_recruiters_and_tree(golden):
    rows = query(
        golden / "marts.duckdb",
        "SELECT partner_id, program, recruiter_partner_id, recruiter_attribution, depth,"
        " root_partner_id, current_status, direct_recruits, referred_customers"
        " FROM marts.dim_partners ORDER BY partner_id",
    )
    assert rows == [
        ("P1", "affiliate", None, None, 0, "P1", "terminated", 1, 0),
        ("P2", "solution", "P1", "parameter", 1, "P1", "active", 2, 1),
        ("P3", "affiliate", "P2", "cookie", 2, "P1", "active", 0, 1),
        ("P4", "affiliate", None, None, 0, "P4", "active", 0, 0),
        ("P5", "affiliate", "P2", "cookie", 2, "P1", "active", 0, 0),
    ]


def test_customer_attribution(golden):
    rows = query(
        golden / "marts.duckdb",
        "SELECT customer_id, partner_id, attribution, click_id FROM marts.dim_customers"
        " ORDER BY customer_id",
    )
    assert rows == [
        ("C1", "P3", "parameter", None),
        ("C2", "P2", "cookie", "k6"),
        ("C3", None, None, None),
        ("C4", None, None, None),
        ("C5", None, None, None),
    ]


def test_sales_in_usd(golden):
    rows = query(
        golden / "marts.duckdb",
        "SELECT sale_id, amount, amount_usd, fx_rate, held_reason, orphan_reason"
        " FROM marts.fct_sales ORDER BY sale_id",
    )
    by_id = {r[0]: r[1:4] for r in rows}
    reasons = {r[0]: r[4:] for r in rows if r[4] or r[5]}
    assert len(rows) == 16  # S1..S12, S15..S18: duplicates and rejected lines are not sales
    assert by_id["S2"][:2] == (D("10.1000"), D("10.10"))
    assert by_id["S3"][1:] == (D("55.00"), D("1.1"))
    assert by_id["S4"][1:] == (D("-22.00"), D("1.1"))  # the charge's rate, not 02-01's 1.2
    assert by_id["S9"][1:] == (None, None)  # GBP rate 8 days old
    assert by_id["S15"] == (D("12000.0000"), D("79.83"), D("0.00665247139633166"))
    assert by_id["S16"] == (D("99999999.0000"), None, D("9999999999"))
    assert reasons == {
        "S9": ("no FX rate at most 7 days old", None),
        "S10": (None, "unknown charge"),
        "S16": ("USD value too large for DECIMAL(18, 2)", None),
        "S18": (None, "currency differs from its charge"),
    }


def test_second_tier_lifetime(golden):
    rows = query(
        golden / "marts.duckdb",
        "SELECT recruiter_partner_id, recruit_partner_id, sales_count, sales_usd, commission_usd"
        " FROM marts.second_tier_lifetime ORDER BY ALL",
    )
    assert rows == [
        ("P1", "P2", 3, D("40.10"), D("2.01")),
        ("P2", "P3", 4, D("212.83"), D("10.64")),
        ("P2", "P5", 0, D("0.00"), D("0.00")),
    ]


def test_monthly_statement_of_p3(golden):
    rows = query(
        golden / "marts.duckdb",
        "SELECT strftime(month, '%Y-%m'), tier1_usd, tier2_usd, clawback_usd, total_usd,"
        " payable_usd, pending_usd, tier1_net_usd, tier2_net_usd"
        " FROM marts.partner_monthly_statement WHERE partner_id = 'P3' ORDER BY month",
    )
    assert rows == [
        ("2026-01", D("39.00"), D("0"), D("0"), D("39.00"), D("39.00"), D("0"), D("39.00"), D("0")),
        ("2026-02", D("0"), D("0"), D("-12.40"), D("-12.40"), D("-4.40"), D("-8.00"), D("-12.40"),
         D("0")),
        ("2026-03", D("15.97"), D("0"), D("0"), D("15.97"), D("0"), D("15.97"), D("15.97"), D("0")),
    ]  # fmt: skip


def test_monthly_tier2_net_adds_up_to_lifetime_tier2(golden):
    # P2's tier-2: January S1 5.00 + S3 2.75 = 7.75 (charges) ; February S4 -1.10 (tier2_usd
    # 0, tier2_net -1.10); March S15 3.99. Net 10.64 = second_tier_lifetime P2 -> P3.
    rows = query(
        golden / "marts.duckdb",
        "SELECT strftime(month, '%Y-%m'), tier2_usd, tier2_net_usd"
        " FROM marts.partner_monthly_statement WHERE partner_id = 'P2' ORDER BY month",
    )
    assert rows == [
        ("2026-01", D("7.75"), D("7.75")),
        ("2026-02", D("0.00"), D("-1.10")),
        ("2026-03", D("3.99"), D("3.99")),
    ]
    totals = query(
        golden / "marts.duckdb",
        "SELECT s.partner_id, s.net, l.lifetime FROM"
        " (SELECT partner_id, sum(tier2_net_usd) AS net FROM marts.partner_monthly_statement"
        "  GROUP BY ALL) s"
        " FULL JOIN (SELECT recruiter_partner_id AS partner_id, sum(commission_usd) AS lifetime"
        "  FROM marts.second_tier_lifetime GROUP BY ALL) l USING (partner_id)"
        " ORDER BY 1",
    )
    assert totals == [
        ("P1", D("2.01"), D("2.01")),
        ("P2", D("10.64"), D("10.64")),
        ("P3", D("0.00"), None),
    ]


def test_funnel_of_p2(golden):
    # P2's clicks: k2, k3 (01-03, visitors v3, v5), k6 (01-05, vc2) -> 3 clicks, 3 visitors.
    # Signups attributed to P2 in January: partners P3, P5 (cookie) and customer C2. C2's
    # first charge S2 (01-10). C2's sales: January S2 10.10 + S7 20.00 = 30.10; February
    # S8 30.00 + S17 10.00 = 40.00. P2's lines: January t1 S2 2.53, t2 S1 5.00 + S3 2.75
    # = 10.28; February t1 S8 7.50 + S17 2.50, t2 S4 -1.10 = 8.90; March t2 S15 3.99.
    # EPC January 10.28 / 3 = 3.42666.. -> 3.4267.
    rows = query(
        golden / "marts.duckdb",
        "SELECT strftime(month, '%Y-%m'), clicks, visitors, customer_signups, partner_signups,"
        " first_charges, sales_usd, commission_usd, epc_usd FROM marts.partner_funnel_monthly"
        " WHERE partner_id = 'P2' ORDER BY month",
    )
    assert rows == [
        ("2026-01", 3, 3, 1, 2, 1, D("30.10"), D("10.28"), D("3.4267")),
        ("2026-02", 0, 0, 0, 0, 0, D("40.00"), D("8.90"), None),
        ("2026-03", 0, 0, 0, 0, 0, D("0.00"), D("3.99"), None),
    ]


def test_run_info(golden):
    # 52 raw lines: clicks 1 + 7 + 2 + 0, signups 6 + 4 + 1, fx 1 + 2 + 3, sales 3 + 5 + 12
    # + 1, partner_status 3 + 1. Rejected: k8, 3 sales lines, the 1e10 rate, e9 = 6.
    rows = query(
        golden / "marts.duckdb",
        "SELECT as_of_date, first_log_date, last_log_date, raw_lines, rejected_lines,"
        " duplicate_lines, held_sales_without_fx_rate, sales_usd_too_large, orphan_reversals,"
        " published_at IS NOT NULL FROM run_info",
    )
    assert [tuple(str(v) for v in r) for r in rows] == [
        ("2026-03-13", "2025-09-09", "2026-03-13", "52", "6", "2", "1", "1", "2", "True")
    ]


def test_rejected_duplicates_and_orphans_are_reported(golden):
    warehouse = golden / "warehouse.duckdb"
    rejected = query(warehouse, "SELECT feed, line_number FROM audit.rejected_events ORDER BY ALL")
    assert rejected == [
        ("clicks", 7),
        ("fx_rates", 3),
        ("partner_status", 1),
        ("sales", 6),
        ("sales", 7),
        ("sales", 8),
    ]
    reason = query(warehouse, "SELECT reason FROM audit.rejected_events WHERE feed = 'fx_rates'")
    assert reason == [("usd_per_unit is too large (at most 10 digits before the decimal point)",)]
    assert query(warehouse, "SELECT count(*) FROM audit.duplicate_events") == [(2,)]
    orphans = query(warehouse, "SELECT sale_id, reason FROM audit.orphan_reversals ORDER BY 1")
    assert orphans == [("S10", "unknown charge"), ("S18", "currency differs from its charge")]


def test_every_published_table_and_column_is_described(golden):
    marts = golden / "marts.duckdb"
    tables = query(
        marts, "SELECT table_name, comment FROM duckdb_tables() WHERE NOT internal ORDER BY 1"
    )
    columns = query(
        marts,
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal"
        " ORDER BY 1, 2",
    )
    assert {t for t, _ in tables} >= {"run_info", "partner_funnel_monthly", "fct_commissions"}
    assert [t for t, comment in tables if not (comment or "").strip()] == []
    assert len(columns) > 60
    assert [(t, c) for t, c, comment in columns if not (comment or "").strip()] == []
    # the text is the dbt YAML's (one source of truth)
    epc = [comment for t, c, comment in columns if (t, c) == ("partner_funnel_monthly", "epc_usd")]
    assert epc == [
        "Earnings per click: commission_usd / clicks, rounded half away from zero to 4"
        " decimals, DECIMAL(18, 4); NULL in a month without clicks."
    ]


def test_run_summary(golden):
    # Payable: tier 1 P3 20.00 + 11.00 - 4.40 + 8.00, P2 2.53 + 2.50 = 39.63; tier 2 P2 5.00
    # + 2.75 - 1.10, P1 0.51 + 1.00 + 0.50 = 8.66. Pending: tier 1 S6 -8.00, S8 7.50, S15
    # 15.97 = 15.47; tier 2 S15 3.99.
    lines = (golden / "run_stdout.txt").read_text().splitlines()
    assert lines[0].startswith(f"published {golden.resolve() / 'marts.duckdb'} at ")
    assert lines[1] == "as of 2026-03-13 (log dates 2025-09-09 .. 2026-03-13); commission USD:"
    assert [line.split() for line in lines[2:6]] == [
        ["payable", "pending", "total"],
        ["tier", "1", "39.63", "15.47", "55.10"],
        ["tier", "2", "8.66", "3.99", "12.65"],
        ["total", "48.29", "19.46", "67.75"],
    ]
    assert lines[6] == (
        "lines: 52 raw, 6 rejected, 2 duplicates; sales held without FX rate: 1, USD too large:"
        " 1; orphan reversals: 2"
    )
    # the freshness check (a warning) fails: the newest log is months old
    assert len(lines) == 8 and lines[7].startswith(
        "WARNING log_freshness on published/marts_duckdb"
    )
    again = run_cli("run", "--data-dir", str(golden))  # nothing to do: the same figures
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[1:7] == lines[1:7]


def report_table(page: str, table_id: str) -> list[list[str]]:
    """Rows of a report table: each cell's data-value, else its text."""
    import re

    body = page.split(f'<table id="{table_id}">', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body)[1:]:
        cells = re.findall(r"<td([^>]*)>(.*?)</td>", row)
        rows.append(
            [re.search(r'data-value="([^"]*)"', a).group(1) if "data-value" in a else t
             for a, t in cells]
        )  # fmt: skip
    return rows


def test_report_figures_come_from_the_marts(golden):
    done = run_cli("report", "--data-dir", str(golden))
    assert done.returncode == 0, done.stderr
    page = (golden / "report.html").read_text()
    assert "http:" not in page and "https:" not in page and "<script" not in page
    assert "<svg" in page and '<b id="as-of">2026-03-13</b>' in page
    # monthly net by tier, computed from the commission lines (hand figures: January tier 1
    # P3 20.00 + 11.00 + 8.00, P2 2.53; tier 2 P2 5.00 + 2.75, P1 0.51 + 1.00)
    monthly = report_table(page, "monthly")
    lines = query(
        golden / "marts.duckdb",
        "SELECT strftime(date_trunc('month', sold_at), '%Y-%m'), sum(commission_usd)"
        " FILTER (tier = 1), coalesce(sum(commission_usd) FILTER (tier = 2), 0)"
        " FROM fct_commissions GROUP BY ALL ORDER BY 1",
    )
    assert [(r[0], D(r[1]), D(r[2])) for r in monthly] == lines
    assert monthly[0][:3] == ["2026-01", "41.53", "9.26"]
    recruiters = report_table(page, "recruiters")
    assert [(r[0], D(r[4])) for r in recruiters] == [("P2", D("10.64")), ("P1", D("2.01"))]
    funnel = report_table(page, "funnel")
    assert sum(int(r[1]) for r in funnel) == 9  # k1..k7, k9, k10 (k8 was rejected)
    quality = {r[0]: r[1:] for r in report_table(page, "quality")}
    # 03-10: fx 3 lines (1 rejected) + sales 12 lines (3 rejected)
    assert quality["2026-03-10"] == ["15", "11", "4", "0"]
    assert "2026-03-13" not in quality  # the empty file has no line to account for
    # the referral tree of the top recruiter: P2 -> P3, P5
    tree = page.split("<b>P2</b>", 1)[1].split("</ul></li></ul>", 1)[0]
    assert "P3" in tree and "P5" in tree and "P4" not in tree
