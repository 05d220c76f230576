"""dagster_project/event_log_storage.py: Dagster's SQLite event log with connections kept
open stores and reads what Dagster's own class does, in the same files, and closes the least
recently used run shards beyond MAX_OPEN."""

import time

from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project import event_log_storage
from dagster_project.event_log_storage import PooledSqliteEventLogStorage


def log_event(run_id: str, message: str) -> EventLogEntry:
    return EventLogEntry(
        error_info=None,
        level=20,
        user_message=message,
        run_id=run_id,
        timestamp=time.time(),
        step_key=None,
        job_name="job",
        dagster_event=None,
    )


def messages(storage, run_id: str) -> list[str]:
    return [e.user_message for e in storage.get_logs_for_run(run_id)]


def test_events_written_by_either_class_read_back_by_the_other(tmp_path):
    pooled = PooledSqliteEventLogStorage(str(tmp_path))
    for n in range(3):
        pooled.store_event(log_event("run-a", f"pooled {n}"))
    plain = SqliteEventLogStorage(str(tmp_path))
    plain.store_event(log_event("run-a", "plain"))
    assert messages(plain, "run-a") == ["pooled 0", "pooled 1", "pooled 2", "plain"]
    assert messages(pooled, "run-a") == messages(plain, "run-a")
    pooled.dispose()


def test_base_dir_defaults_to_dagster_homes_event_log_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    storage = PooledSqliteEventLogStorage()
    storage.store_event(log_event("run-b", "hello"))
    assert (tmp_path / "history" / "runs" / "run-b.db").exists()
    storage.dispose()


def test_least_recently_used_shards_are_closed_and_reopened(tmp_path, monkeypatch):
    monkeypatch.setattr(event_log_storage, "MAX_OPEN", 3)
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    for n in range(6):
        storage.store_event(log_event(f"run-{n}", f"event {n}"))
    assert len(storage._engines) == 3  # the three most recently used files
    assert messages(storage, "run-0") == ["event 0"]  # reopened on demand
    storage.wipe()
    assert list(storage._engines) == ["index"]  # the run shards closed, then deleted
    assert not list(tmp_path.glob("run-*.db"))
    storage.dispose()
