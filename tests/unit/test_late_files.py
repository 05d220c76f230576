"""Pending work, one notion for every entry point: files on disk against the load state."""

import os
import time
from pathlib import Path

import dagster as dg

from dagster_project.cli.instance import settle_in_progress_runs
from dagster_project.core.fingerprints import current_version
from dagster_project.core.fingerprints import fingerprint as hash_file
from dagster_project.core.log_files import discover
from dagster_project.core.tags import DATA_DIR_TAG
from dagster_project.defs.automation.sensors import late_files_sensor
from dagster_project.defs.ingest.pending_work import (
    EMPTY_STATE,
    LoadState,
    file_versions,
    log_dates_to_run,
    pending_log_dates,
    read_state_copy,
    write_state_copy,
)
from dagster_project.defs.resources import DataDir

HOUR_AGO = time.time() - 3600
RANGE = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")


def write(data_dir: Path, feed: str, day: str, text: str, mtime: float = HOUR_AGO) -> Path:
    path = data_dir / "raw" / feed / f"{day}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))
    return path


def evaluate(data_dir: Path):
    context = dg.build_sensor_context(resources={"data_dir": DataDir(path=str(data_dir))})
    return late_files_sensor(context)


def requested_range(request) -> tuple[str, str]:
    assert isinstance(request, dg.RunRequest), request
    return request.tags[RANGE[0]], request.tags[RANGE[1]]


def test_a_rewrite_with_the_same_size_and_mtime_is_a_new_version(tmp_path: Path):
    path = write(tmp_path, "sales", "2026-10-01", '{"a": 1}\n')
    first = hash_file(path)
    assert current_version(path, first) is first  # unchanged stat: not hashed again
    write(tmp_path, "sales", "2026-10-01", '{"a": 2}\n')  # same size, same mtime
    assert path.stat().st_size == first.size and path.stat().st_mtime_ns == first.mtime_ns
    second = current_version(path, first)
    assert second.content_hash != first.content_hash
    # Touched, same content: the same identity (not reloaded).
    os.utime(path, (HOUR_AGO - 10, HOUR_AGO - 10))
    assert current_version(path, second).identity == second.identity


def test_run_command_work_is_changed_files_and_untransformed_dates(tmp_path: Path):
    write(tmp_path, "sales", "2026-10-01", "{}\n")
    write(tmp_path, "sales", "2026-10-02", "{}\n")
    write(tmp_path, "clicks", "2026-10-03", "{}\n")
    current = file_versions(discover(tmp_path))
    assert log_dates_to_run(current, EMPTY_STATE) == ["2026-10-01", "2026-10-02", "2026-10-03"]
    loaded = dict(current)
    assert log_dates_to_run(current, LoadState(loaded, frozenset())) == []
    # Loaded but not yet transformed (a run that died or failed before publishing).
    assert log_dates_to_run(current, LoadState(loaded, frozenset({"2026-10-02"}))) == ["2026-10-02"]
    # A file replaced (new content), one removed since it was loaded.
    write(tmp_path, "sales", "2026-10-01", "{}\n{}\n")
    (tmp_path / "raw" / "clicks" / "2026-10-03.jsonl").unlink()
    current = file_versions(discover(tmp_path), LoadState(loaded, frozenset()))
    assert log_dates_to_run(current, LoadState(loaded, frozenset())) == [
        "2026-10-01",
        "2026-10-03",
    ]


def test_run_command_work_hashes_only_files_loaded_before(tmp_path: Path, monkeypatch):
    """pending_log_dates (the run command's) gives log_dates_to_run's dates, hashing a file only
    when it was loaded before and its stat changed."""
    import dagster_project.core.fingerprints as fingerprints

    for feed, day in (("sales", "2026-10-01"), ("sales", "2026-10-02"), ("clicks", "2026-10-03")):
        write(tmp_path, feed, day, "{}\n")
    loaded = file_versions(discover(tmp_path))
    del loaded[("sales", "2026-10-02")]  # as if that file had never been loaded
    write(tmp_path, "sales", "2026-10-01", "{}\n{}\n")  # loaded, then replaced
    write(tmp_path, "signups", "2026-10-04", "{}\n")  # new
    state = LoadState(loaded, frozenset({"2026-10-03"}))
    expected = log_dates_to_run(file_versions(discover(tmp_path), state), state)
    assert expected == ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"]
    hashed = []
    real = fingerprints.fingerprint
    monkeypatch.setattr(fingerprints, "fingerprint", lambda p: hashed.append(p.name) or real(p))
    assert pending_log_dates(discover(tmp_path), state) == expected
    assert hashed == ["2026-10-01.jsonl"]


def test_sensor_requests_what_the_load_state_lacks_and_nothing_once_loaded(tmp_path: Path):
    for day in ("2026-10-01", "2026-10-02", "2026-10-03"):
        write(tmp_path, "sales", day, "{}\n")
    assert late_files_sensor.job_name == "load_logs"  # transform_after_load chains the rest
    assert requested_range(evaluate(tmp_path)) == ("2026-10-01", "2026-10-03")
    # The warehouse loaded and transformed them (its copy says so): nothing to do.
    write_state_copy(tmp_path, LoadState(file_versions(discover(tmp_path)), frozenset()))
    assert read_state_copy(tmp_path).loaded.keys() == {
        ("sales", d) for d in ("2026-10-01", "2026-10-02", "2026-10-03")
    }
    assert "no new" in evaluate(tmp_path).skip_message
    # A late clicks file for an old date: that date alone.
    write(tmp_path, "clicks", "2026-10-02", "{}\n")
    assert requested_range(evaluate(tmp_path)) == ("2026-10-02", "2026-10-02")
    # A load that failed to transform stays pending: nothing is forgotten.
    state = read_state_copy(tmp_path)
    write_state_copy(tmp_path, LoadState(state.loaded, frozenset({"2026-10-01"})))
    assert requested_range(evaluate(tmp_path)) == ("2026-10-01", "2026-10-02")


def test_sensor_waits_for_files_still_being_written(tmp_path: Path):
    write(tmp_path, "sales", "2026-10-01", "{}\n", mtime=time.time())
    assert "waiting" in evaluate(tmp_path).skip_message


def test_a_file_with_an_mtime_in_the_future_does_not_stall_the_sensor(tmp_path: Path):
    write(tmp_path, "sales", "2026-10-01", "{}\n", mtime=time.time() + 30 * 86400)
    write(tmp_path, "sales", "2026-10-02", "{}\n")
    assert requested_range(evaluate(tmp_path)) == ("2026-10-01", "2026-10-02")


def test_the_sensor_waits_while_a_run_of_its_data_dir_is_in_progress(tmp_path: Path):
    write(tmp_path, "sales", "2026-10-01", "{}\n")
    with dg.instance_for_test() as instance:
        other = dg.DagsterRun(
            job_name="load_logs",
            status=dg.DagsterRunStatus.STARTED,
            tags={DATA_DIR_TAG: str(tmp_path / "elsewhere")},
        )
        instance.add_run(other)
        context = dg.build_sensor_context(
            instance=instance, resources={"data_dir": DataDir(path=str(tmp_path))}
        )
        assert isinstance(late_files_sensor(context), dg.RunRequest)  # another directory's run
        mine = dg.DagsterRun(
            job_name="transform",
            status=dg.DagsterRunStatus.STARTING,
            tags={DATA_DIR_TAG: str(tmp_path)},
        )
        instance.add_run(mine)
        assert "not done yet" in late_files_sensor(context).skip_message


def test_two_data_dirs_on_one_instance_do_not_settle_each_others_runs(tmp_path: Path):
    """The run command marks failed only its own data directory's dead runs."""
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    with dg.instance_for_test() as instance:
        live = dg.DagsterRun(
            job_name="transform",
            status=dg.DagsterRunStatus.STARTED,
            tags={"source": "run_command", DATA_DIR_TAG: str(theirs)},
        )
        dead = dg.DagsterRun(
            job_name="transform",
            status=dg.DagsterRunStatus.STARTED,
            tags={"source": "run_command", DATA_DIR_TAG: str(mine)},
        )
        instance.add_run(live)
        instance.add_run(dead)
        settle_in_progress_runs(instance, mine)
        assert instance.get_run_by_id(live.run_id).status == dg.DagsterRunStatus.STARTED
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
