"""The run command as users call it: any directory, clear failures, nothing half-published."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli.instance import ensure_dagster_home, open_instance
from dagster_project.cli.lock import warehouse_lock
from dagster_project.cli.run import contiguous_segments
from dagster_project.core.feeds import FEEDS
from dagster_project.core.paths import DBT_TARGET_DIR
from tests.conftest import REPO_ROOT, generate_sample, run_cli


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw_counts(data_dir: Path) -> dict[str, int]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return {f: con.execute(f"SELECT count(*) FROM raw.{f}").fetchone()[0] for f in FEEDS}


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("small")
    elsewhere = tmp_path_factory.mktemp("cwd")
    # The year-old file holds the founding partners: without it there are no recruiters, so
    # no tier-2 lines for the money check to reconcile.
    generate_sample(data_dir, days=12, seed=3, keep_old_file=True)
    done = run_cli("run", "--data-dir", str(data_dir), cwd=elsewhere)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "as of " in done.stdout and "  tier 2 " in done.stdout  # the summary
    assert "[load clicks]" in done.stderr and "[publish]" in done.stderr  # progress
    # The year-old file and the 12 days: two load runs, then one transform run.
    assert "(1 of 2 segments)" in done.stderr and "(2 of 2 segments)" in done.stderr
    assert done.stderr.count("[run] transforming, checking, publishing") == 1
    return data_dir


def test_log_dates_to_load_are_cut_into_stretches_of_consecutive_days():
    assert contiguous_segments([]) == []
    assert contiguous_segments(["2026-10-01"]) == [("2026-10-01", "2026-10-01")]
    # A year-old late file and a year of nightly files: two load runs, not one over 730 days.
    year = [f"2025-11-{d:02d}" for d in range(1, 31)] + ["2025-12-01", "2025-12-02"]
    assert contiguous_segments(["2024-11-01", *year]) == [
        ("2024-11-01", "2024-11-01"), ("2025-11-01", "2025-12-02"),
    ]  # fmt: skip
    # Across a month, a year and a leap day; unsorted and repeated input is fine.
    assert contiguous_segments(
        ["2024-03-01", "2024-02-28", "2024-02-29", "2024-02-29", "2023-12-31", "2024-01-01"]
    ) == [("2023-12-31", "2024-01-01"), ("2024-02-28", "2024-03-01")]
    assert contiguous_segments(["2026-10-01", "2026-10-03", "2026-10-05"]) == [
        ("2026-10-01", "2026-10-01"), ("2026-10-03", "2026-10-03"), ("2026-10-05", "2026-10-05"),
    ]  # fmt: skip


def test_reconciles_raw_lines_with_staged_rejected_and_duplicates(small_run: Path):
    with duckdb.connect(str(small_run / "warehouse.duckdb"), read_only=True) as con:
        bad = con.execute(
            "SELECT * FROM audit.line_reconciliation"
            " WHERE raw_lines <> staged + rejected + duplicates"
        ).fetchall()
        rejected = con.execute("SELECT count(*) FROM audit.rejected_events").fetchone()[0]
    assert bad == []
    assert rejected > 0  # the generator always writes some malformed lines


def test_failed_run_names_the_step_and_leaves_published_marts(small_run: Path):
    published = small_run / "marts.duckdb"
    before = digest(published)
    counts = raw_counts(small_run)
    corrupt = small_run / "raw" / "sales" / "2026-11-01.jsonl.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    try:
        done = run_cli("run", "--data-dir", str(small_run))
        assert done.returncode != 0
        assert "step raw__sales failed" in done.stderr
        assert "2026-11-01.jsonl.gz" in done.stderr
        assert digest(published) == before
    finally:
        corrupt.unlink()
    # The next run recovers; nothing doubled, the marts are the same as before.
    done = run_cli("run", "--data-dir", str(small_run))
    assert done.returncode == 0, done.stdout + done.stderr
    assert raw_counts(small_run) == counts
    with duckdb.connect(str(published), read_only=True) as con:
        total = con.execute("SELECT sum(commission_usd) FROM fct_commissions").fetchone()[0]
    with duckdb.connect(str(small_run / "warehouse.duckdb"), read_only=True) as con:
        lines = con.execute("SELECT sum(commission_usd) FROM marts.fct_commissions").fetchone()[0]
    assert total == lines


def test_bad_file_name_stops_the_run_naming_it(tmp_path: Path):
    (tmp_path / "raw" / "sales").mkdir(parents=True)
    (tmp_path / "raw" / "sales" / "2026-01-01.jsonl").write_text("{}\n")
    (tmp_path / "raw" / "sales" / "2026-13-01.jsonl").write_text("{}\n")
    done = run_cli("run", "--data-dir", str(tmp_path))
    assert done.returncode == 1
    assert "2026-13-01.jsonl" in done.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_refuses_to_start_while_another_run_holds_the_warehouse(tmp_path: Path):
    (tmp_path / "raw" / "sales").mkdir(parents=True)
    (tmp_path / "raw" / "sales" / "2026-01-01.jsonl").write_text("{}\n")
    with warehouse_lock(tmp_path):
        done = run_cli("run", "--data-dir", str(tmp_path))
    assert done.returncode == 1
    assert "another run holds the warehouse" in done.stderr


def test_missing_data_dir_is_a_clear_error(tmp_path: Path):
    done = run_cli("run", "--data-dir", str(tmp_path / "nope"))
    assert done.returncode == 1
    assert "does not exist" in done.stderr


def test_a_rerun_with_no_new_logs_does_nothing(small_run: Path):
    before = digest(small_run / "marts.duckdb")
    done = run_cli("run", "--data-dir", str(small_run))
    assert done.returncode == 0, done.stderr
    assert "nothing to do" in done.stderr
    assert digest(small_run / "marts.duckdb") == before


def test_a_failing_money_check_blocks_publishing(small_run: Path):
    """Tier 2 reconciled at 6 % instead of 5 % must fail, and marts.duckdb must stay as it was."""
    before = digest(small_run / "marts.duckdb")
    with duckdb.connect(str(small_run / "marts.duckdb"), read_only=True) as con:
        tier2 = con.execute("select count(*) from fct_commissions where tier = 2").fetchone()[0]
    assert tier2 > 0  # something for the check to reconcile
    inject = (
        "import sys; from decimal import Decimal;"
        "import dagster_project.defs.checks.commission_reconciliation as c;"
        "c.TIER2_RATE = Decimal('0.06');"
        "from dagster_project.cli import main;"
        f"sys.exit(main(['run', '--data-dir', {str(small_run)!r}, '--full-refresh']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", inject], capture_output=True, text=True, cwd=REPO_ROOT
    )
    assert done.returncode == 1
    assert "blocking check(s) failed: tier2_commission_reconciliation on marts/fct_commissions" in (
        done.stderr
    )
    assert "marts.duckdb was not replaced" in done.stderr
    assert "[publish]" not in done.stderr
    assert digest(small_run / "marts.duckdb") == before


def test_refuses_while_a_scheduled_run_is_in_progress(tmp_path: Path):
    """A run launched by the daemon holds the warehouse: the run command waits for it. A run of
    the run command itself left "started" by a kill -9 is marked failed instead."""
    import dagster as dg

    (tmp_path / "raw" / "sales").mkdir(parents=True)
    (tmp_path / "raw" / "sales" / "2026-01-01.jsonl").write_text("{}\n")
    home = tmp_path / ".dagster"
    ensure_dagster_home(home)
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        nightly = dg.DagsterRun(
            job_name="load_logs", status=dg.DagsterRunStatus.STARTED, tags={"source": "nightly"}
        )
        instance.add_run(nightly)
    done = run_cli("run", "--data-dir", str(tmp_path), env={"DAGSTER_HOME": str(home)})
    assert done.returncode == 1
    assert f"run {nightly.run_id} (nightly) is started" in done.stderr
    assert "holds the warehouse" in done.stderr
    assert not (tmp_path / "marts.duckdb").exists()


def test_runs_are_recorded_in_the_instance_the_ui_shows(small_run: Path):
    """`make dev` and `make daemon` use DIR/.dagster, where the run command records its runs."""
    import dagster as dg

    makefile = (REPO_ROOT / "Makefile").read_text()
    assert 'DAGSTER_HOME="$(abspath $(DATA_DIR))/.dagster"' in makefile
    with open_instance(small_run / ".dagster") as instance:
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"source": "run_command"}))
        succeeded = {r.job_name for r in runs if r.status == dg.DagsterRunStatus.SUCCESS}
        assert succeeded == {"load_logs", "transform"}
        materialized = instance.get_materialized_partitions(dg.AssetKey(["raw", "sales"]))
        assert len(materialized) >= 12  # every log date of the 12-day sample
        assert instance.get_latest_materialization_event(dg.AssetKey(["published", "marts_duckdb"]))


def test_the_bench_finds_dbts_node_times_in_the_runs_records(small_run: Path):
    """The run's dbt writes no run_results.json; the bench's stage figures come from the
    `Execution Duration` dagster-dbt records on each model's and test's event."""
    import dagster as dg

    from bench.stages import dbt_node_seconds

    home = small_run / ".dagster"
    with open_instance(home) as instance:
        transform = [  # the fixture's run: the first (later tests run again)
            r
            for r in instance.get_runs(filters=dg.RunsFilter(tags={"source": "run_command"}))
            if r.job_name == "transform"
        ][-1]
        stats = instance.get_run_stats(transform.run_id)
    seconds = dbt_node_seconds(home, transform.run_id)
    assert set(seconds) == {"staging", "marts", "tests"}
    assert all(value > 0 for value in seconds.values()), seconds
    # thread-seconds of dbt's 2 threads, within the run
    assert sum(seconds.values()) < 2 * (stats.end_time - stats.start_time)
    run_results = DBT_TARGET_DIR / "run_results.json"
    if run_results.exists():
        assert not stats.start_time <= run_results.stat().st_mtime <= stats.end_time
