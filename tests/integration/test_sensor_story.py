"""The late-file sensor never loses a file and never redoes the run command's work (issue 11):
ticks evaluated against a real instance, each requested run executed (tests/sensor_ticks.py),
in separate processes as the daemon would run them."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from dagster_project.cli.instance import ensure_dagster_home
from tests.conftest import REPO_ROOT, generate_sample, run_cli
from tests.marts_runs import contents

DAYS = ("2026-10-29", "2026-10-30", "2026-10-31")


def tick(data_dir: Path) -> dict:
    home = data_dir / ".dagster"
    ensure_dagster_home(home)
    env = {
        **os.environ,
        "PARTNER_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(home),
        "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.sensor_ticks"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def settle(data_dir: Path) -> None:
    old = time.time() - 3600  # the sensor waits for files modified in the last minute
    for path in (data_dir / "raw").rglob("*.jsonl*"):
        os.utime(path, (old, old))


def test_a_truncated_file_fails_the_load_and_once_fixed_every_file_is_loaded(
    tmp_path: Path, dbt_manifest
):
    clean = tmp_path / "clean"
    generate_sample(clean, days=3, seed=9)
    plain = clean / "raw" / "sales" / f"{DAYS[1]}.jsonl"
    good = gzip.compress(plain.read_bytes())
    plain.unlink()
    plain.with_name(plain.name + ".gz").write_bytes(good)
    story = tmp_path / "story"
    shutil.copytree(clean, story)
    fixed = story / "raw" / "sales" / f"{DAYS[1]}.jsonl.gz"
    fixed.write_bytes(good[: len(good) // 2])  # truncated
    settle(story)

    first = tick(story)
    assert first["range"] == [DAYS[0], DAYS[2]] and first["load"] is False, first
    # The failed run's dates stay pending; the same state is not requested again.
    again = tick(story)
    assert again == {"range": [DAYS[0], DAYS[2]], "skip": "run key already requested"}

    fixed.write_bytes(good)
    settle(story)
    second = tick(story)
    # sales of 10-31 was never loaded and 10-29's loads never transformed: all three again.
    assert second == {"range": [DAYS[0], DAYS[2]], "load": True, "transform": True}, second
    assert tick(story) == {"skip": "no new, changed or untransformed log files"}

    done = run_cli("run", "--data-dir", str(clean))
    assert done.returncode == 0, done.stderr
    assert contents(story / "marts.duckdb") == contents(clean / "marts.duckdb")

    # After the run command, a sensor tick loads nothing again.
    settle(clean)
    assert tick(clean) == {"skip": "no new, changed or untransformed log files"}
