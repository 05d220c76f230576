"""`<data dir>/payouts/YYYY-MM.csv`: what finance sends to the payment provider (SPEC §6).

Header `partner_id,payout_usd`, one row per partner with a payout above 0 in the closed
period, sorted by partner. Written atomically from the published `payouts` table, which is
built from the ledger; every run writes the file of a closed period that lacks one, so a
close killed between its ledger rename and its CSV is completed by the next run.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from dagster_project.defs.payouts.ledger import (
    closed_periods,
    month_text,
    payouts_dir,
    write_atomically,
)


def payout_csv_path(data_dir: Path, period_text: str) -> Path:
    return payouts_dir(data_dir) / f"{period_text}.csv"


def payout_csv_text(rows: list[tuple[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["partner_id", "payout_usd"])
    writer.writerows(rows)
    return out.getvalue()


def write_missing_payout_files(data_dir: Path, marts: Path) -> list[Path]:
    """Write the CSV of every closed period that has none, from `marts` (the published file).
    Returns the files written."""
    missing = [
        p for p in closed_periods(data_dir) if not payout_csv_path(data_dir, month_text(p)).exists()
    ]
    if not missing:
        return []
    written = []
    with duckdb.connect(str(marts), read_only=True) as con:
        for period in missing:
            rows = con.execute(
                "SELECT partner_id, payout_usd::VARCHAR FROM payouts"
                " WHERE period = ? AND payout_usd > 0 ORDER BY partner_id",
                [period],
            ).fetchall()
            path = payout_csv_path(data_dir, month_text(period))
            write_atomically(path, payout_csv_text(rows), exclusive=False)
            written.append(path)
    return written
