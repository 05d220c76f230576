"""The checks beyond dbt's, on small hand-made tables whose figures are worked out here."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from dagster_project.defs.checks.commission_reconciliation import reconcile_tier2, round_money
from dagster_project.defs.checks.line_accounting import FeedLines, feed_line_accounts
from dagster_project.defs.checks.log_freshness import log_age_days, newest_log_date


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema marts; create schema raw; create schema audit")
    yield con
    con.close()


def test_round_money_is_half_away_from_zero():
    assert round_money(Decimal("0.505")) == Decimal("0.51")
    assert round_money(Decimal("-0.505")) == Decimal("-0.51")
    assert round_money(Decimal("1.6665")) == Decimal("1.67")
    assert round_money(Decimal("0.504999")) == Decimal("0.50")


def make_marts(con, lines):
    con.execute("create table marts.fct_sales (sale_id varchar, amount_usd decimal(18, 2))")
    con.execute(
        "insert into marts.fct_sales values ('s1', 10.10), ('s2', -10.10), ('s3', 33.33),"
        " ('s4', 99.00)"
    )
    con.execute(
        "create table marts.fct_commissions (sale_id varchar, tier integer,"
        " commission_usd decimal(18, 2))"
    )
    con.executemany("insert into marts.fct_commissions values (?, ?, ?)", lines)


def test_tier2_reconciliation_passes_on_correct_lines(con):
    # 5 % of 10.10 = 0.505 -> 0.51; of -10.10 -> -0.51; of 33.33 = 1.6665 -> 1.67.
    # s4 has only a tier-1 line (19.80 at 20 %), which the check ignores.
    make_marts(con, [("s1", 2, "0.51"), ("s2", 2, "-0.51"), ("s3", 2, "1.67"), ("s4", 1, "19.80")])
    result = reconcile_tier2(con, Decimal("0.05"))
    assert (result.lines, result.lines_usd, result.expected_usd) == (
        3, Decimal("1.67"), Decimal("1.67"),
    )  # fmt: skip
    assert result.difference == 0 and result.sales_missing == 0


def test_tier2_reconciliation_finds_a_cent_and_a_missing_sale(con):
    # 1.66 instead of 1.67 (rounded down), and a line whose sale s9 is not in fct_sales.
    make_marts(con, [("s1", 2, "0.51"), ("s3", 2, "1.66"), ("s9", 2, "2.00")])
    result = reconcile_tier2(con, Decimal("0.05"))
    assert result.lines_usd == Decimal("4.17")
    assert result.expected_usd == Decimal("2.18")  # 0.51 + 1.67; s9 has no sale amount
    assert result.sales_missing == 1
    # At 6 %: 10.10 -> 0.606 -> 0.61 and 33.33 -> 1.9998 -> 2.00.
    assert reconcile_tier2(con, Decimal("0.06")).expected_usd == Decimal("2.61")


def test_tier2_reconciliation_counts_every_line_of_an_amount_many_sales_share(con):
    # s1 and s5 are both 10.10 (5 % -> 0.51 each); s8 and s9 are missing from fct_sales.
    make_marts(
        con,
        [("s1", 2, "0.51"), ("s5", 2, "0.50"), ("s3", 2, "1.67"), ("s8", 2, "1.00"),
         ("s9", 2, "2.00")],
    )  # fmt: skip
    con.execute("insert into marts.fct_sales values ('s5', 10.10)")
    result = reconcile_tier2(con, Decimal("0.05"))
    assert result.lines == 5
    assert result.lines_usd == Decimal("5.68")
    assert result.expected_usd == Decimal("2.69")  # 0.51 + 0.51 + 1.67
    assert result.sales_missing == 2
    assert result.difference == Decimal("2.99")


def test_every_loaded_line_must_be_accounted_for(con):
    con.execute(
        "create table raw._file_loads (feed varchar, log_date date, file_name varchar,"
        " rows_loaded bigint)"
    )
    con.execute(
        "insert into raw._file_loads values ('sales', '2026-10-01', 'a', 10),"
        " ('sales', '2026-10-02', 'b', 5), ('clicks', '2026-10-01', 'c', 7),"
        " ('fx_rates', '2026-10-01', null, 0)"
    )
    con.execute(
        "create table audit.line_reconciliation (feed varchar, log_date date, staged bigint,"
        " rejected bigint, duplicates bigint)"
    )
    con.execute(
        "insert into audit.line_reconciliation values ('sales', '2026-10-01', 8, 1, 1),"
        " ('sales', '2026-10-02', 4, 1, 0), ('clicks', '2026-10-01', 5, 1, 0)"
    )
    accounts = {f.feed: f for f in feed_line_accounts(con)}
    assert accounts["sales"] == FeedLines("sales", 15, 12, 2, 1)
    assert accounts["sales"].unaccounted == 0
    assert accounts["clicks"] == FeedLines("clicks", 7, 5, 1, 0)
    assert accounts["clicks"].unaccounted == 1  # one click line lost between raw and staging
    assert accounts["fx_rates"].unaccounted == 0


def test_freshness_age_in_days(con):
    con.execute(
        "create table raw._file_loads (feed varchar, log_date date, file_name varchar,"
        " rows_loaded bigint)"
    )
    assert log_age_days(newest_log_date(con), date(2026, 11, 2)) is None
    con.execute(
        "insert into raw._file_loads values ('sales', '2026-10-30', 'a', 3),"
        " ('sales', '2026-11-01', 'b', 2), ('clicks', '2026-11-05', null, 0)"
    )
    newest = newest_log_date(con)
    assert newest == date(2026, 11, 1)  # the 11-05 row has no file: nothing was loaded
    assert log_age_days(newest, date(2026, 11, 2)) == 1
    assert log_age_days(newest, date(2026, 11, 4)) == 3
