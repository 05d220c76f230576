"""`dagster dev` (webserver + daemon) on a data directory: the late-file sensor launches a
`load_logs` run through the daemon's queue; when it succeeds, the `transform_after_load` sensor
launches the `transform` run, which builds, checks and publishes — a real process tree,
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
        load_run, transform_run = wait_for_load_then_transform(home, timeout=480)
    finally:
        os.killpg(dev.pid, signal.SIGKILL)
        dev.wait()
        log.close()
    dev_log = (tmp_path / "dagster_dev.log").read_text()[-3000:]
    assert load_run is not None, dev_log
    assert load_run.job_name == "load_logs"
    assert load_run.status == dg.DagsterRunStatus.SUCCESS, load_run.status
    assert load_run.tags["dagster/asset_partition_range_start"] == "2026-10-29"
    assert load_run.tags["dagster/asset_partition_range_end"] == "2026-10-31"
    assert transform_run is not None, dev_log
    assert transform_run.job_name == "transform"
    assert transform_run.status == dg.DagsterRunStatus.SUCCESS, transform_run.status
    assert transform_run.tags["source"] == "late_files_sensor"
    assert transform_run.tags["dagster/sensor_name"] == "transform_after_load"
    marts = table_snapshots(data_dir / "marts.duckdb")
    assert marts["fct_sales"][0] > 0

    # The run command then finds nothing to do: the daemon's runs loaded and published it all.
    again = run_cli("run", "--data-dir", str(data_dir), env={"DAGSTER_HOME": str(home)})
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stderr
    assert table_snapshots(data_dir / "marts.duckdb") == marts


def wait_for_load_then_transform(
    home: Path, timeout: float
) -> tuple[dg.DagsterRun | None, dg.DagsterRun | None]:
    """The sensor's load run once done; then, if it succeeded, the transform run it chained
    (tagged with its id) once done. None for a run that did not finish in time."""
    deadline = time.monotonic() + timeout
    load_run = None
    while time.monotonic() < deadline:
        time.sleep(3)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            if load_run is None:
                runs = instance.get_runs(
                    filters=dg.RunsFilter(
                        job_name="load_logs", tags={"source": "late_files_sensor"}
                    )
                )
                if runs and runs[0].status in DONE:
                    load_run = runs[0]
                    if load_run.status != dg.DagsterRunStatus.SUCCESS:
                        return load_run, None
            if load_run is not None:
                runs = instance.get_runs(
                    filters=dg.RunsFilter(
                        job_name="transform", tags={"load_run_id": load_run.run_id}
                    )
                )
                if runs and runs[0].status in DONE:
                    return load_run, runs[0]
    return load_run, None
