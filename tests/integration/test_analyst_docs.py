"""docs/analysts.md's examples run as written on `make run`'s sample (generate --profile small
with its defaults, then run), and give what the marts say computed another way."""

from __future__ import annotations

import gzip
import os
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT

DOC = REPO_ROOT / "docs" / "analysts.md"


@pytest.fixture(scope="module")
def sample(make_run_sample: Path) -> Path:
    return make_run_sample  # read only


def blocks(language: str) -> list[str]:
    text = DOC.read_text()
    return [b.split("```", 1)[0] for b in text.split(f"```{language}\n")[1:]]


def raw_line_count(data_dir: Path) -> int:
    total = 0
    for path in (data_dir / "raw").rglob("*.jsonl*"):
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as fh:
            total += sum(1 for line in fh.read().split(b"\n") if line.strip(b"\r"))
    return total


def test_doc_examples_run_on_the_sample(sample: Path):
    lifetime, statement, pending, funnel, info = blocks("sql")
    with duckdb.connect(str(sample / "marts.duckdb"), read_only=True) as con:

        def q(sql: str, params=None) -> list[tuple]:
            return con.execute(sql, params or []).fetchall()

        top = q(lifetime)[0]
        tier2 = q(
            "select sum(commission_usd) from fct_commissions where tier = 2 and partner_id = ?",
            [top[0]],
        )[0][0]
        assert top[0] == "P00001" and top[4] == tier2 > 0  # the statement example's partner

        rows = q(statement)
        assert rows, "the statement example returns nothing on the sample"
        lines = q("select sum(commission_usd) from fct_commissions where partner_id = 'P00001'")[0][
            0
        ]
        assert sum(r[4] for r in rows) == lines
        assert sum(r[8] for r in rows) == tier2  # monthly tier-2 net adds up to lifetime

        as_of = q("select as_of_date from run_info")[0][0]
        owed = q(pending)
        assert owed and all(r[2] > as_of for r in owed)

        months = q(funnel)
        everything = q("select sum(commission_usd) from fct_commissions")[0][0]
        assert sum(r[5] for r in months) == everything
        assert all(isinstance(r[5], Decimal) for r in months)  # money stays DECIMAL

        (row,) = q(info)
    assert row[0] == date(2026, 10, 31)  # the generator's last log date
    assert row[3] == raw_line_count(sample)


def test_doc_python_command_runs_as_written(sample: Path, tmp_path: Path):
    (command,) = [b.strip() for b in blocks("") if b.strip().startswith(".venv/bin/python")]
    (tmp_path / ".venv").symlink_to(REPO_ROOT / ".venv")
    (tmp_path / "data").symlink_to(sample)
    done = subprocess.run(
        command, shell=True, cwd=tmp_path, capture_output=True, text=True, env=os.environ.copy()
    )
    assert done.returncode == 0, done.stderr
    assert "2026-10-31" in done.stdout and "as_of_date" in done.stdout
