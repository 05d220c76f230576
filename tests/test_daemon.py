"""`dagster dev` (webserver + daemon) on a data directory: the late-file sensor launches a run
through the daemon's queue, and it loads, builds, checks and publishes — a real process tree,
stopped by its process group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from dagster_project.run_command import ensure_dagster_home
from tests.conftest import REPO_ROOT, generate_sample, run_cli
from tests.marts_snapshot import table_snapshots

DONE = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


def test_sensor_run_through_the_daemon_publishes(tmp_path: Path, dbt_manifest):
    data_dir = tmp_path / "data"
    generate_sample(data_dir, days=3, seed=9)
    old = time.time() - 3600  # settled files: the sensor does not wait for them
    for path in (data_dir / "raw").rglob("*.jsonl*"):
        os.utime(path, (old, old))
    home = data_dir / ".dagster"
    ensure_dagster_home(home)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PARTNER_DATA_DIR": str(data_dir),
        "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    log = open(tmp_path / "dagster_dev.log", "w")  # noqa: SIM115 - closed below
    dev = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster"), "dev", "-p", "3917"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        run = wait_for_sensor_run(home, timeout=480)
    finally:
        os.killpg(dev.pid, signal.SIGKILL)
        dev.wait()
        log.close()
    assert run is not None, (tmp_path / "dagster_dev.log").read_text()[-3000:]
    assert run.status == dg.DagsterRunStatus.SUCCESS, run.status
    assert run.tags["dagster/asset_partition_range_start"] == "2026-10-29"
    assert run.tags["dagster/asset_partition_range_end"] == "2026-10-31"
    marts = table_snapshots(data_dir / "marts.duckdb")
    assert marts["fct_sales"][0] > 0

    # The run command then finds nothing to do: the daemon's run loaded and published it all.
    again = run_cli("run", "--data-dir", str(data_dir), env={"DAGSTER_HOME": str(home)})
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stderr
    assert table_snapshots(data_dir / "marts.duckdb") == marts


def wait_for_sensor_run(home: Path, timeout: float) -> dg.DagsterRun | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(3)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            runs = instance.get_runs(filters=dg.RunsFilter(tags={"source": "late_files_sensor"}))
            if runs and runs[0].status in DONE:
                return runs[0]
    return None
