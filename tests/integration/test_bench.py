"""The benchmark's own arithmetic: memory measuring, stage attribution, targets, README block."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bench.measure import busy_cpu_seconds, dir_bytes, run_measured
from bench.repeats import median_sample, restore, snapshot
from bench.report import replace_block, runs_line, table, verdicts
from bench.stages import dbt_stage, step_stage
from bench.timeline import Span, lines, summary
from bench.workspace import add_log_dates
from dagster_project.core.fingerprints import stat_key


def as_the_pipeline_sees_it(path: Path) -> tuple[int, int, int, int, int]:
    """What the pipeline compares to decide whether a loaded file may have changed
    (fingerprints.stat_key), and its link count: a new hard link changes its ctime."""
    return (*stat_key(path), path.stat().st_nlink)


def test_peak_rss_counts_a_child_process(tmp_path: Path):
    # the command starts a child that holds 300 MB while the parent holds 100 MB
    child = "x = bytearray(300 * 2**20); import time; time.sleep(1.0)"
    parent = (
        "import subprocess, sys; y = bytearray(100 * 2**20); "
        f"subprocess.run([sys.executable, '-c', {child!r}])"
    )
    watched = tmp_path / "spill"
    writer = (
        f"import pathlib; pathlib.Path({str(watched / 'x.tmp')!r}).write_bytes(bytes(3 * 2**20))"
    )
    parent += f"; {writer}; import time; time.sleep(0.5)"
    watched.mkdir()
    measured = run_measured(
        [sys.executable, "-c", parent],
        env=dict(os.environ),
        cwd=tmp_path,
        log=tmp_path / "log",
        watch_dir=watched,
    )
    assert measured.returncode == 0
    assert measured.spilled_mb == 3.0  # the 3 MB file written into the watched directory
    assert measured.peak_rss_mb >= 400  # both at once: the tree's total
    assert 300 <= measured.largest_process_mb < 400  # the largest single process


def test_busy_cpu_seconds_count_work_not_idle_iowait_or_steal():
    # /proc/stat's cpu line: user nice system idle iowait irq softirq steal guest guest_nice
    line = "cpu  1200 30 250 98000 400 6 14 75 0 0"
    assert busy_cpu_seconds(line, 100) == 15.0  # (1200 + 30 + 250 + 6 + 14) / 100
    assert busy_cpu_seconds(line, 1000) == 1.5


def test_cpu_seconds_count_the_work_of_a_child_process(tmp_path: Path):
    # the command's child burns CPU and prints how much: the machine's busy time while the
    # command ran holds at least that (and a child that sleeps is not counted as busy)
    child = (
        "import time\n"
        "while time.process_time() < 0.6: pass\n"
        "time.sleep(0.5)\n"
        "print(time.process_time())"
    )
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    measured = run_measured(
        [sys.executable, "-c", parent], env=dict(os.environ), cwd=tmp_path, log=tmp_path / "log"
    )
    assert measured.returncode == 0
    burnt = float(measured.output.split()[-1])
    assert burnt >= 0.6
    assert measured.cpu_seconds >= burnt - 0.05  # /proc/stat counts in ticks of 10 ms
    assert measured.cpu_seconds < measured.seconds * os.cpu_count()


def test_spill_directory_removed_while_measured_counts_as_empty(tmp_path: Path, monkeypatch):
    """DuckDB removes its spill directory when a process closes the warehouse; the sampler
    (which also samples memory) must not die of it, as it once did mid `make bench-scale`."""
    spill = tmp_path / "spill"
    spill.mkdir()
    (spill / "a.tmp").write_bytes(bytes(1000))
    (spill / "b.tmp").write_bytes(bytes(500))
    assert dir_bytes(spill) == 1500
    assert dir_bytes(tmp_path / "gone") == 0

    def vanishing(self, pattern):  # one file seen, then the directory is gone
        yield spill / "a.tmp"
        raise FileNotFoundError(2, "No such file or directory", str(self))

    monkeypatch.setattr(Path, "rglob", vanishing)
    assert dir_bytes(spill) == 1000


def test_dbt_nodes_and_dagster_steps_map_to_stages():
    assert dbt_stage(["staging", "base_sales"], is_check=False) == "staging"
    assert dbt_stage(["audit", "line_reconciliation"], is_check=False) == "marts"
    assert dbt_stage(["config", "commission_rates"], is_check=False) == "marts"  # the seed
    assert dbt_stage(["marts", "fct_sales"], is_check=True) == "tests"
    assert [step_stage(k) for k in ("raw__clicks", "dbt_models", "published_marts")] == [
        "load",
        "dbt",
        "publish",
    ]


def test_targets_are_judged_on_the_measured_figures():
    def scenario(seconds: float, rss: float) -> dict:
        return {"seconds": seconds, "peak_rss_mb": rss}

    results = {
        "scenarios": {
            "full": scenario(150.0, 1900.0),
            "nightly": scenario(20.0, 1200.0),
            "nightly_half_history": scenario(17.0, 1100.0),
            "no_new_logs": scenario(1.2, 150.0),
        },
        "floor": {"seconds": 120.0},
    }
    v = verdicts(results)
    assert v["full_vs_floor"] == {
        "value": 1.25,
        "limit": 2.0,
        "met": True,
        "goal": 1.5,
        "goal_met": True,
    }
    assert v["nightly_vs_floor"]["value"] == pytest.approx(0.167, abs=1e-3)  # 20 / 120
    assert v["nightly_vs_floor"]["met"] and v["nightly_vs_floor"]["goal_met"]
    assert v["nightly_half_vs_full_history"] == {"value": 0.15, "limit": 0.2, "met": True}
    assert v["peak_rss_mb"] == {"value": 1900.0, "limit": 2048.0, "met": True}
    assert "scale_peak_rss_mb" not in v  # no scale test in these results
    results["scenarios"]["nightly"]["seconds"] = 72.0  # 72 / 120 = 0.6: limit met, goal not
    assert verdicts(results)["nightly_vs_floor"] | {"value": 0} == {
        "value": 0,
        "limit": 1.0,
        "met": True,
        "goal": 0.5,
        "goal_met": False,
    }
    results["scenarios"]["full"]["seconds"] = 241.0  # 241 / 120 > 2
    assert not verdicts(results)["full_vs_floor"]["met"]
    results["scale_test"] = {"full": {"peak_rss_mb": 2100.0}}
    assert verdicts(results)["scale_peak_rss_mb"] == {
        "value": 2100.0,
        "limit": 2048.0,
        "met": False,
    }


def test_the_night_is_judged_against_the_floor_runs_beside_it():
    def run(seconds: float) -> dict:
        return {"seconds": seconds, "peak_rss_mb": 100.0, "stages": {}}

    results = {
        "repeat": 1,
        "scenarios": {
            "full": run(90.0),
            "nightly": run(12.0),
            "nightly_half_history": run(11.0),
            "no_new_logs": run(1.5),
        },
        "floor": run(30.0),  # beside the full runs: the machine slower then
        "floor_beside_nights": run(10.0),
    }
    v = verdicts(results)
    assert v["full_vs_floor"]["value"] == 3.0  # 90 / 30
    assert v["nightly_vs_floor"]["value"] == 1.2  # 12 / 10, not 12 / 30
    assert not v["nightly_vs_floor"]["met"]
    results["targets"] = v
    results["floor"]["cpu_seconds"] = 45.0  # a run measured with its CPU time
    rows = [line for line in table(results).splitlines() if line.startswith("| floor script")]
    assert [row.split(" | ")[:3] for row in rows] == [
        ["| floor script, beside the full runs", "30.0", "45.0 (1.50)"],  # 45 CPU-s in 30 s
        ["| floor script, beside the nights", "10.0", "–"],  # measured before the bench took it
    ]
    del results["floor_beside_nights"]  # results.json of a bench before the nights had their own
    assert verdicts(results)["nightly_vs_floor"]["value"] == 0.4  # 12 / 30


def test_the_readme_block_is_replaced_and_nothing_else():
    text = "intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\nrest\n"
    assert replace_block(text, "bench", "new") == (
        "intro\n<!-- bench:start -->\nnew\n<!-- bench:end -->\nrest\n"
    )
    with pytest.raises(ValueError):
        replace_block("no block", "bench", "new")


def test_the_median_run_is_kept_with_every_runs_seconds_and_the_largest_peak():
    runs = [
        {"seconds": 30.0, "peak_rss_mb": 900.0, "stages": {"load": 9}},
        {"seconds": 10.0, "peak_rss_mb": 1500.0, "stages": {"load": 3}},
        {"seconds": 20.0, "peak_rss_mb": 800.0, "stages": {"load": 6}},
    ]
    assert median_sample(runs) == {
        "seconds": 20.0,
        "peak_rss_mb": 1500.0,
        "stages": {"load": 6},  # the median run's own stages
        "samples_seconds": [30.0, 10.0, 20.0],
    }
    assert median_sample(runs[:2])["seconds"] == 10.0  # two runs: the lower of the middle two
    assert runs[2]["peak_rss_mb"] == 800.0  # the runs themselves are left as they were
    with pytest.raises(ValueError):
        median_sample([])
    results = {
        "repeat": 3,
        "scenarios": {"full": median_sample(runs)},
        "floor": median_sample([{"seconds": 7.25, "peak_rss_mb": 1.0}] * 3),
    }
    assert runs_line(results) == (
        "Median of 3 runs each; every run's wall s: full 30.0, 10.0, 20.0;"
        " floor script 7.2, 7.2, 7.2."
    )
    assert runs_line({"scenarios": {"full": runs[0]}, "floor": runs[1]}) == ""  # run once


def test_a_restored_night_starts_from_the_history_as_built(tmp_path: Path):
    cache = tmp_path / "cache.jsonl"
    cache.write_text("{}\n")
    data_dir = tmp_path / "nightly"
    history_file = data_dir / "raw" / "clicks" / "2026-10-30.jsonl"
    history_file.parent.mkdir(parents=True)
    os.link(cache, history_file)  # as the bench builds a scenario: a link to the cached log
    (data_dir / ".dagster").mkdir()
    (data_dir / ".dagster" / "runs.db").write_text("history runs")
    (data_dir / "warehouse.duckdb").write_text("history")
    before = as_the_pipeline_sees_it(history_file)

    kept = snapshot(data_dir)
    for night in range(2):
        (data_dir / "warehouse.duckdb").write_text("history + night")  # written in place
        (data_dir / ".dagster" / "runs.db").write_text("history runs + night")
        (data_dir / "raw" / "clicks" / "2026-10-31.jsonl").write_text("{}\n")  # the night's
        (data_dir / "raw" / "sales").mkdir()  # and a feed new that night
        (data_dir / "raw" / "sales" / "2026-10-31.jsonl").write_text("{}\n")
        restore(kept, data_dir)

        files = {p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*")}
        assert files == {
            "raw",
            "raw/clicks",
            "raw/clicks/2026-10-30.jsonl",
            ".dagster",
            ".dagster/runs.db",
            "warehouse.duckdb",
        }, night
        assert (data_dir / "warehouse.duckdb").read_text() == "history"
        assert (data_dir / ".dagster" / "runs.db").read_text() == "history runs"
    # The history's raw file was never linked or copied again: a new link changes its ctime,
    # and the pipeline would hash it again as possibly rewritten (core/fingerprints.py).
    assert as_the_pipeline_sees_it(history_file) == before


def test_building_a_scenario_leaves_the_other_scenarios_files_as_they_were(tmp_path: Path):
    # Two scenarios over the same cached log (the nightly's history and the half history's):
    # building the second must not change the first one's file as the pipeline sees it
    # (size, mtime, ctime, inode: core/fingerprints.py), or its next run hashes it again.
    cache = tmp_path / "cache" / "raw" / "clicks" / "2026-10-30.jsonl"
    cache.parent.mkdir(parents=True)
    cache.write_text("{}\n")
    add_log_dates(tmp_path / "nightly", cache.parents[1], ["2026-10-30"])
    first = tmp_path / "nightly" / "raw" / "clicks" / "2026-10-30.jsonl"
    before = as_the_pipeline_sees_it(first)

    add_log_dates(tmp_path / "half", cache.parents[1], ["2026-10-30"])
    (tmp_path / "half" / "raw" / "clicks" / "2026-10-30.jsonl").unlink()  # as restore() does

    assert first.read_text() == "{}\n"
    assert as_the_pipeline_sees_it(first) == before


def test_the_timeline_sums_thread_seconds_over_the_nodes_span():
    # Two nodes overlapping for 0.5 s, then a gap, then a test: 3.5 thread-s over 3.5 s.
    spans = [Span("stg_clicks", 0.5, 2.5), Span("base_clicks", 0.0, 1.0), Span("x?", 3.0, 3.5)]
    assert summary(spans) == {"span": 3.5, "thread_seconds": 3.5, "parallelism": 1.0}
    assert summary([Span("a", 1.0, 2.0), Span("b", 1.0, 2.0)])["parallelism"] == 2.0
    assert summary([]) == {"span": 0.0, "thread_seconds": 0.0, "parallelism": 0.0}
    # in start order, a bar of 10 columns a second starting at the node's start
    assert lines(spans) == [
        "  0.00   1.00  1.00 ========== base_clicks",
        "  0.50   2.50  2.00      ==================== stg_clicks",
        "  3.00   3.50  0.50                               ===== x?",
    ]
