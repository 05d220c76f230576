"""dagster_project/event_log_storage.py: Dagster's SQLite event log with connections kept
open stores and reads what Dagster's own class does, in the same files, and closes the least
recently used run shards beyond MAX_OPEN."""

import time

import dagster as dg
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


def pooled_storage(base_dir) -> dict:
    """dagster.yaml's event_log_storage entry for this class, writing under `base_dir`."""
    return {
        "module": "dagster_project.event_log_storage",
        "class": "PooledSqliteEventLogStorage",
        "config": {"base_dir": str(base_dir)},
    }


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


def test_asset_events_are_indexed_without_a_connection_per_event(tmp_path, monkeypatch):
    """Dagster asks for the index's schema at every asset event (a new SQLite connection for
    `has_table`); the pooled storage remembers what exists, and the asset index is the same."""
    from sqlite3 import dbapi2  # what SQLAlchemy connects with

    storage = pooled_storage(tmp_path / "runs")
    with dg.instance_for_test(overrides={"event_log_storage": storage}) as instance:
        key = dg.AssetKey(["raw", "clicks"])

        def materialization(partition: str) -> dg.AssetMaterialization:
            # with a data version, as a run's materializations are (Dagster indexes it)
            return dg.AssetMaterialization(
                key, partition=partition, tags={"dagster/data_version": "1"}
            )

        instance.report_runless_asset_event(materialization("d00"))
        opened = []
        real_connect = dbapi2.connect
        monkeypatch.setattr(
            dbapi2, "connect", lambda *a, **k: opened.append(a) or real_connect(*a, **k)
        )
        for n in range(1, 30):
            instance.report_runless_asset_event(materialization(f"d{n:02}"))
        monkeypatch.setattr(dbapi2, "connect", real_connect)
        assert len(opened) <= 2  # not one per event
        assert instance.get_materialized_partitions(key) == {f"d{n:02}" for n in range(30)}
        latest = instance.get_latest_materialization_event(key)
        assert latest.dagster_event.partition == "d29"
        tags = instance.event_log_storage.get_event_tags_for_asset(key)
        assert len(tags) == 30 and {t["dagster/data_version"] for t in tags} == {"1"}


def _materialize_range(instance, days: int) -> str:
    """One run materializing `days` daily partitions in one step (as a load run does); its id."""
    partitions = dg.DailyPartitionsDefinition(start_date="2026-01-01")

    @dg.asset(
        key=["raw", "clicks"],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def clicks(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"dates": len(context.partition_keys)})

    keys = partitions.get_partition_keys()[:days]
    result = dg.materialize(
        [clicks],
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        },
    )
    assert result.success
    return result.run_id


def _index_of(instance, run_id: str) -> dict:
    key = dg.AssetKey(["raw", "clicks"])
    storage = instance.event_log_storage
    records = instance.fetch_materializations(key, limit=1000).records
    planned = storage.get_event_records(
        dg.EventRecordsFilter(dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, asset_key=key)
    )
    latest = instance.get_latest_materialization_event(key)
    return {
        "partitions": instance.get_materialized_partitions(key),
        "records": sorted(r.partition_key for r in records),
        "planned": sorted(r.partition_key for r in planned),
        "latest": (latest.run_id, latest.dagster_event.partition),
        # one entry per materialization: its indexed tags (the data version: run-specific)
        "tags": sorted(tuple(sorted(t)) for t in storage.get_event_tags_for_asset(key)),
        "run_log": sorted(
            e.dagster_event.partition
            for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        ),
    }


def test_a_steps_materializations_are_stored_as_one_batch(tmp_path, monkeypatch):
    """A run materializing 40 partitions in one step hands them over as one batch (the storage
    sets DAGSTER_EVENT_BATCH_SIZE), stored in a few transactions, and indexed as when stored
    one by one (Dagster's path without the variable)."""

    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "0")
    with dg.instance_for_test(
        overrides={"event_log_storage": pooled_storage(tmp_path / "single")}
    ) as instance:
        one_by_one = _index_of(instance, _materialize_range(instance, 40))

    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE")
    batches, store_event_batch = [], PooledSqliteEventLogStorage.store_event_batch
    monkeypatch.setattr(
        PooledSqliteEventLogStorage,
        "store_event_batch",
        lambda self, events: (
            batches.append((events[0].dagster_event_type.value, len(events)))
            or store_event_batch(self, events)
        ),
    )
    with dg.instance_for_test(
        overrides={"event_log_storage": pooled_storage(tmp_path / "batch")}
    ) as instance:
        assert instance.event_log_storage  # the storage sets the variable when it is built
        run_id = _materialize_range(instance, 40)
        batched = _index_of(instance, run_id)

    assert batches == [("ASSET_MATERIALIZATION_PLANNED", 40), ("ASSET_MATERIALIZATION", 40)]
    assert batched["partitions"] == one_by_one["partitions"] == set(batched["records"])
    assert len(batched["records"]) == 40 and batched["latest"][1] == "2026-02-09"
    assert batched["planned"] == one_by_one["planned"] == batched["records"]
    for part in ("records", "tags", "run_log"):
        assert batched[part] == one_by_one[part], part
