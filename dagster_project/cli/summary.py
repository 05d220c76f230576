"""The run command's summary: a few lines read from the published `marts.duckdb` (run_info and
fct_commissions) and the run's failed warnings, for an operator to read at a glance."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

from dagster_project.core.paths import published_marts_path


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def summary_lines(marts_path: Path, warnings: list[str]) -> list[str]:
    with duckdb.connect(str(marts_path), read_only=True) as con:
        info = con.execute(
            "SELECT as_of_date, published_at, first_log_date, last_log_date, raw_lines,"
            " rejected_lines, duplicate_lines, held_sales_without_fx_rate, sales_usd_too_large,"
            " orphan_reversals FROM run_info"
        ).fetchone()
        totals = con.execute(
            "SELECT tier, status, sum(commission_usd) FROM fct_commissions GROUP BY ALL"
        ).fetchall()
    (as_of, published_at, first, last, raw, rejected, duplicates, held, too_large, orphans) = info
    by_key = {(tier, status): total for tier, status, total in totals}
    zero = Decimal("0.00")
    lines = [
        f"published {marts_path} at {published_at:%Y-%m-%d %H:%M:%S} UTC",
        f"as of {as_of} (log dates {first} .. {last}); commission USD:",
        f"  {'':<8}{'payable':>16}{'pending':>16}{'total':>16}",
    ]
    for tier in (1, 2):
        payable = by_key.get((tier, "payable"), zero)
        pending = by_key.get((tier, "pending"), zero)
        lines.append(
            f"  tier {tier:<3}{money(payable):>16}{money(pending):>16}"
            f"{money(payable + pending):>16}"
        )
    payable = sum((v for (_, s), v in by_key.items() if s == "payable"), zero)
    pending = sum((v for (_, s), v in by_key.items() if s == "pending"), zero)
    lines.append(
        f"  {'total':<8}{money(payable):>16}{money(pending):>16}{money(payable + pending):>16}"
    )
    lines.append(
        f"lines: {raw:,} raw, {rejected:,} rejected, {duplicates:,} duplicates;"
        f" sales held without FX rate: {held:,}, USD too large: {too_large:,};"
        f" orphan reversals: {orphans:,}"
    )
    if warnings:
        lines.extend(f"WARNING {w}" for w in warnings)
    else:
        lines.append("warnings: none")
    return lines


def summarize(data_dir: Path, warnings: list[str]) -> list[str]:
    """The summary an operator reads: from the published marts (summary.py)."""
    return summary_lines(published_marts_path(data_dir), warnings)
