"""The payout ledger: `<data dir>/ledger/YYYY-MM.jsonl`, one file per closed period (SPEC §6).

Each line is one payout line of the period, a JSON object:
  period (YYYY-MM), sale_id, tier (1 | 2), partner_id, delta_usd (decimal string), kind
  (`new` | `adjustment`), paid_total_usd (decimal string: what the key's payout lines of all
  closed periods add up to once this one is paid, i.e. the line's value at this close),
  threshold_usd (decimal string: the payout threshold the close used), closed_at (UTC).

A file is written once, atomically (temporary file in the same directory, fsync, rename,
fsync of the directory) and never rewritten: the rename is the close's commit point. The
payouts CSV of a period (`<data dir>/payouts/YYYY-MM.csv`) is written the same way and can
always be written again from the ledger (see payout_files.py).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_FILE = re.compile(r"^(\d{4}-\d{2})\.jsonl$")


class LedgerError(ValueError):
    """A ledger directory or month that cannot be used; the message says why."""


def ledger_dir(data_dir: Path) -> Path:
    return data_dir / "ledger"


def payouts_dir(data_dir: Path) -> Path:
    return data_dir / "payouts"


def parse_month(text: str) -> date:
    """'YYYY-MM' -> the first day of that month."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise LedgerError(f"invalid month {text!r}: expected YYYY-MM, e.g. 2026-01")
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_text(period: date) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def next_month(period: date) -> date:
    return (period.replace(day=28) + timedelta(days=4)).replace(day=1)


def last_day(period: date) -> date:
    return next_month(period) - timedelta(days=1)


def ledger_files(data_dir: Path) -> dict[date, Path]:
    """The closed periods' files, by period, sorted. Temporary files (dot-names) are skipped;
    any other entry that is not `YYYY-MM.jsonl` is an error naming it."""
    folder = ledger_dir(data_dir)
    if not folder.is_dir():
        return {}
    found: dict[date, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        match = _FILE.match(path.name)
        if not match or not path.is_file():
            raise LedgerError(f"unexpected entry {path}: ledger/ holds only YYYY-MM.jsonl files")
        found[parse_month(match.group(1))] = path
    return dict(sorted(found.items()))


def closed_periods(data_dir: Path) -> list[date]:
    return list(ledger_files(data_dir))


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(target: Path, text: str, *, exclusive: bool) -> None:
    """Write `text` to `target` via a temporary file in the same directory, fsync, rename,
    fsync the directory. With `exclusive`, refuse when `target` exists (a ledger file is
    never rewritten)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if exclusive and target.exists():
        raise LedgerError(f"{target} exists: a closed period is never rewritten")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if exclusive:
            os.link(tmp, target)  # fails if the target appeared meanwhile; never overwrites
            tmp.unlink()
        else:
            os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_temp_files(folder: Path) -> None:
    """Temporary files a killed close left behind (never a committed file)."""
    if folder.is_dir():
        for path in folder.glob(".*.tmp"):
            path.unlink(missing_ok=True)


def ledger_text(lines: Iterable[dict]) -> str:
    return "".join(json.dumps(line, sort_keys=True) + "\n" for line in lines)
