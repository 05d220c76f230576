"""What gets reprocessed: the late-file sensor (daemon) and the run command's pending work."""

import json
import os
import time
from pathlib import Path

import dagster as dg

from dagster_project.log_files import discover
from dagster_project.pending_work import LoadState, file_fingerprints, log_dates_to_run
from dagster_project.resources import DataDir
from dagster_project.sensors import changed_log_dates, late_files_sensor

HOUR_AGO = time.time() - 3600


def write(data_dir: Path, feed: str, day: str, text: str, mtime: float = HOUR_AGO) -> Path:
    path = data_dir / "raw" / feed / f"{day}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))
    return path


def evaluate(data_dir: Path, cursor: str | None):
    context = dg.build_sensor_context(
        cursor=cursor, resources={"data_dir": DataDir(path=str(data_dir))}
    )
    return late_files_sensor(context)


def test_changed_log_dates_new_changed_and_gone():
    previous = {"2026-10-01": "a", "2026-10-02": "b", "2026-10-03": "c"}
    current = {"2026-10-01": "a", "2026-10-02": "B", "2026-10-04": "d"}
    assert changed_log_dates(previous, current) == ["2026-10-02", "2026-10-03", "2026-10-04"]
    assert changed_log_dates(current, current) == []


def test_sensor_requests_new_dates_then_only_a_late_file(tmp_path: Path):
    for day in ("2026-10-01", "2026-10-02", "2026-10-03"):
        write(tmp_path, "sales", day, "{}\n")
    assert late_files_sensor.job_name == "load_logs"  # transform_after_load chains the rest
    first = evaluate(tmp_path, None)
    [request] = first.run_requests
    assert request.tags["dagster/asset_partition_range_start"] == "2026-10-01"
    assert request.tags["dagster/asset_partition_range_end"] == "2026-10-03"

    # Nothing new: no run.
    second = evaluate(tmp_path, first.cursor)
    assert isinstance(second, dg.SkipReason)

    # A late clicks file for an old date: that date alone.
    write(tmp_path, "clicks", "2026-10-02", "{}\n")
    third = evaluate(tmp_path, first.cursor)
    [late] = third.run_requests
    assert late.tags["dagster/asset_partition_range_start"] == "2026-10-02"
    assert late.tags["dagster/asset_partition_range_end"] == "2026-10-02"
    assert late.run_key != request.run_key
    assert json.loads(third.cursor).keys() == {"2026-10-01", "2026-10-02", "2026-10-03"}


def test_sensor_waits_for_files_still_being_written(tmp_path: Path):
    write(tmp_path, "sales", "2026-10-01", "{}\n", mtime=time.time())
    assert "waiting" in evaluate(tmp_path, None).skip_message


def test_run_command_work_is_changed_files_and_untransformed_dates(tmp_path: Path):
    write(tmp_path, "sales", "2026-10-01", "{}\n")
    write(tmp_path, "sales", "2026-10-02", "{}\n")
    write(tmp_path, "clicks", "2026-10-03", "{}\n")
    current = file_fingerprints(discover(tmp_path))
    assert log_dates_to_run(current, LoadState({}, frozenset())) == [
        "2026-10-01", "2026-10-02", "2026-10-03",
    ]  # fmt: skip
    loaded = dict(current)
    assert log_dates_to_run(current, LoadState(loaded, frozenset())) == []
    # Loaded but not yet transformed (a run that died before publishing).
    assert log_dates_to_run(current, LoadState(loaded, frozenset({"2026-10-02"}))) == ["2026-10-02"]
    # A file replaced (new size), one removed since it was loaded.
    write(tmp_path, "sales", "2026-10-01", "{}\n{}\n")
    (tmp_path / "raw" / "clicks" / "2026-10-03.jsonl").unlink()
    current = file_fingerprints(discover(tmp_path))
    assert log_dates_to_run(current, LoadState(loaded, frozenset())) == [
        "2026-10-01", "2026-10-03",
    ]  # fmt: skip
