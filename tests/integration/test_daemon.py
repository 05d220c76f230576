"""The Dagster daemon on a data directory, as `make daemon` starts it (`dagster-daemon run`;
`make dev` runs the same daemon beside the UI): the late-file sensor launches `load_logs`
runs through the daemon's queue; when one succeeds, the `transform_after_load` sensor
launches the `transform` run, which builds, checks and publishes — a real process tree,
stopped by its process group. The test's instance looks at the queue every second instead of
every 5 s (Dagster's default), and runs no webserver: 136 s → 48 s here."""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from dagster_project.cli.instance import ensure_dagster_home, open_instance
from tests.conftest import REPO_ROOT, generate_sample, run_cli
from tests.marts_runs import contents

DEQUEUE_EVERY_SECOND = """
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
"""
DONE = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


def test_truncated_file_through_the_daemon_ends_with_every_file_loaded(
    tmp_path: Path, dbt_manifest
):
    """The issue-11 story with real processes: a truncated sales/10-30.jsonl.gz in the range
    10-29..10-31 fails the sensor's load run; once the file is fixed, the next tick loads
    every date (10-31 included) and the chained transform publishes marts equal to a clean
    full run; the run command then finds nothing to do."""
    clean = tmp_path / "clean"
    generate_sample(clean, days=3, seed=9)
    plain = clean / "raw" / "sales" / "2026-10-30.jsonl"
    good = gzip.compress(plain.read_bytes())
    plain.unlink()
    plain.with_name(plain.name + ".gz").write_bytes(good)
    data_dir = tmp_path / "data"
    shutil.copytree(clean, data_dir)
    broken = data_dir / "raw" / "sales" / "2026-10-30.jsonl.gz"
    broken.write_bytes(good[: len(good) // 2])
    settle(data_dir)
    home = data_dir / ".dagster"
    ensure_dagster_home(home)
    # Create the instance's SQLite storages before the daemon starts: this test polls the
    # instance from its first second, and two processes creating the same fresh storages at
    # once can both stamp its schema version (alembic: "more than one head").
    with open_instance(home):
        pass
    with open(home / "dagster.yaml", "a") as config:  # the queue looked at every second
        config.write(DEQUEUE_EVERY_SECOND)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PARTNER_DATA_DIR": str(data_dir),
        "PARTNER_SENSOR_INTERVAL_SECONDS": "5",
        "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    log = open(tmp_path / "dagster_daemon.log", "w")  # noqa: SIM115 - closed below
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        failed, none = wait_for_load_then_transform(home, timeout=480)
        assert failed is not None and none is None, _tail(tmp_path)
        assert failed.status == dg.DagsterRunStatus.FAILURE
        assert failed.tags["dagster/asset_partition_range_start"] == "2026-10-29"
        assert failed.tags["dagster/asset_partition_range_end"] == "2026-10-31"
        broken.write_bytes(good)  # the corrected delivery
        settle(data_dir)
        load_run, transform_run = wait_for_load_then_transform(
            home, timeout=480, after=failed.run_id
        )
    finally:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()
        log.close()
    assert load_run is not None, _tail(tmp_path)
    assert load_run.status == dg.DagsterRunStatus.SUCCESS, load_run.status
    assert load_run.tags["dagster/asset_partition_range_start"] == "2026-10-29"
    assert load_run.tags["dagster/asset_partition_range_end"] == "2026-10-31"
    assert transform_run is not None, _tail(tmp_path)
    assert transform_run.status == dg.DagsterRunStatus.SUCCESS, transform_run.status
    assert transform_run.tags["source"] == "late_files_sensor"
    assert transform_run.tags["dagster/sensor_name"] == "transform_after_load"

    done = run_cli("run", "--data-dir", str(clean))
    assert done.returncode == 0, done.stderr
    assert contents(data_dir / "marts.duckdb") == contents(clean / "marts.duckdb")
    # The run command then finds nothing to do: the daemon's runs loaded and published it all.
    again = run_cli("run", "--data-dir", str(data_dir), env={"DAGSTER_HOME": str(home)})
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stderr


def settle(data_dir: Path) -> None:
    old = time.time() - 3600  # settled files: the sensor does not wait for them
    for path in (data_dir / "raw").rglob("*.jsonl*"):
        os.utime(path, (old, old))


def _tail(tmp_path: Path) -> str:
    return (tmp_path / "dagster_daemon.log").read_text()[-3000:]


def wait_for_load_then_transform(
    home: Path, timeout: float, after: str | None = None
) -> tuple[dg.DagsterRun | None, dg.DagsterRun | None]:
    """The sensor's newest load run (other than `after`) once done; then, if it succeeded, the
    transform run it chained (tagged with its id) once done. None for a run that did not
    finish in time."""
    deadline = time.monotonic() + timeout
    load_run = None
    while time.monotonic() < deadline:
        time.sleep(1)
        with open_instance(home) as instance:
            if load_run is None:
                runs = instance.get_runs(
                    filters=dg.RunsFilter(
                        job_name="load_logs", tags={"source": "late_files_sensor"}
                    )
                )
                if runs and runs[0].run_id != after and runs[0].status in DONE:
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
