"""Incremental builds (a night at a time) and a full refresh give identical marts."""

from __future__ import annotations

import shutil
from pathlib import Path

from dagster_project.core.log_files import discover
from tests.conftest import generate_sample, run_cli
from tests.marts_snapshot import table_snapshots


def test_incremental_nights_equal_a_full_refresh(tmp_path: Path):
    data_dir, held_back = tmp_path / "data", tmp_path / "later"
    generate_sample(data_dir, days=6, seed=11)
    files = discover(data_dir)
    last_days = sorted({f.partition_key for f in files})[-2:]
    for f in files:  # hold back the last two days' files of every feed
        if f.partition_key in last_days:
            target = held_back / f.path.relative_to(data_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(f.path, target)

    first = run_cli("run", "--data-dir", str(data_dir))
    assert first.returncode == 0, first.stderr
    # The two days arrive one night at a time; each run processes that day only.
    for day in last_days:
        for path in held_back.rglob(f"{day}.jsonl*"):
            target = data_dir / path.relative_to(held_back)
            shutil.move(path, target)
        night = run_cli("run", "--data-dir", str(data_dir))
        assert night.returncode == 0, night.stderr
        assert f"1 log date(s) new, changed or pending ({day} .. {day})" in night.stderr
        assert "[dbt] build: 1 log date(s) to transform" in night.stderr
    warehouse = data_dir / "warehouse.duckdb"
    incremental = {s: table_snapshots(warehouse, s) for s in ("staging", "audit", "marts")}
    published = table_snapshots(data_dir / "marts.duckdb")

    full = run_cli("run", "--data-dir", str(data_dir), "--full-refresh")
    assert full.returncode == 0, full.stderr
    assert "build --full-refresh" in full.stderr
    assert {s: table_snapshots(warehouse, s) for s in ("staging", "audit", "marts")} == incremental
    assert table_snapshots(data_dir / "marts.duckdb") == published
    assert published["fct_commissions"][0] > 0
