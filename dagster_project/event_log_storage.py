"""Dagster's SQLite event log, with its database connections kept open (dagster.yaml).

Dagster's `SqliteEventLogStorage` creates a new SQLAlchemy engine, so a new SQLite connection
and its set-up, for every read and write: about five per event, and a night's transform run
writes about 800 events (a step output, a materialization and its planning per model, the
same per dbt test as an asset check). Measured here: 2.9 ms per stored log event with
Dagster's class, 0.8 ms with this one (400 events stored in a loop); under cProfile, storing
events took 20.6 s of a 66 s nightly run on a busy machine.

This subclass keeps one connection per database file, for the index and the most recently
used run shards (at most MAX_OPEN: the least recently used is closed), and uses it the way
Dagster uses its connections: one thread at a time (the storage's own lock, as before), one
transaction per use, without waiting for the disk at every commit (`synchronous = NORMAL`,
below). Files, schema and everything else are Dagster's, so a DAGSTER_HOME
written with either class reads with the other.

It also stores a batch of materializations at once (`store_event_batch`): a load step reports
one materialization per log date, 1,825 in a full run of the bench year, which Dagster hands
over as one batch per step when DAGSTER_EVENT_BATCH_SIZE is set (this storage sets it).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster._config import StringSource
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlalchemy_compat import db_result
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

MAX_OPEN = 16
# Dagster hands a step's partition materializations to store_event_batch in batches of this
# many when the environment variable DAGSTER_EVENT_BATCH_SIZE says so (else one at a time).
EVENT_BATCH_SIZE = 1000


def _commit_without_fsync(dbapi_connection, _record) -> None:
    """`synchronous = NORMAL` on a new connection. Dagster keeps these files in WAL mode, where
    NORMAL syncs at checkpoints instead of at every commit (SQLite's documented setting for
    WAL): the database stays consistent; a power cut or OS crash, not a killed process, can
    lose the last events. Measured here: 800 one-row commits 0.26 s with FULL, 0.014 s with
    NORMAL; a night stores some 3,000 of them while dbt runs."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def default_base_dir() -> str:
    """Where Dagster's default event log storage keeps its files: $DAGSTER_HOME/history/runs.
    (Dagster does not tell a storage class where its dagster.yaml is: `cli.instance.open_instance`
    opens an instance by folder with DAGSTER_HOME set.)"""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise RuntimeError(
            "dagster.yaml's event_log_storage (PooledSqliteEventLogStorage) needs DAGSTER_HOME"
            " set to the instance folder, or a base_dir in its config"
        )
    return os.path.join(home, "history", "runs")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose SQLite connections stay open (see the module docstring)."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()  # most recently used last
        self._known_tables: set[str] = set()
        self._known_asset_key_columns: set[str] = set()
        super().__init__(base_dir or default_base_dir(), inst_data)
        # Dagster reads the variable at every event of every process using this instance (run
        # command, daemon-launched runs, UI); an explicit setting is left alone.
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"base_dir": dg.Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engines.pop(shard, None)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=StaticPool,  # one connection, kept open
                    connect_args={
                        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                        "check_same_thread": False,  # any thread, one at a time (the lock)
                    },
                )
                event.listen(engine, "connect", _commit_without_fsync)
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
            self._engines[shard] = engine
            while len(self._engines) > MAX_OPEN:
                _, oldest = self._engines.popitem(last=False)
                oldest.dispose()
            with engine.connect() as conn, conn.begin():
                yield conn

    # Dagster looks its schema up again for every asset event it stores: whether the index has
    # a table (a new SQLite connection each time) and the asset key table's columns. A table or
    # column that exists stays until `wipe`, so a yes is remembered (a no is asked again: a
    # migration may add it). 365 materializations: 1.0 -> 0.58 s.
    def has_table(self, table_name: str) -> bool:
        if table_name in self._known_tables:
            return True
        found = super().has_table(table_name)
        if found:
            self._known_tables.add(table_name)
        return found

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        if column_name in self._known_asset_key_columns:
            return True
        found = super()._has_asset_key_col_on_connection(conn, column_name)
        if found:
            self._known_asset_key_columns.add(column_name)
        return found

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """A batch of one run's asset events of one kind (Dagster batches the partitions of one
        step output, and of a run's plan) stored with the rows store_event writes for each:
        the run shard's rows in one transaction, the index's rows and tags in another (instead
        of two per event), and each asset's row in the asset key table once, from its last
        event: events of one kind write the same columns, each replacing the previous one's,
        so the last is what one-by-one writes leave. Anything else is stored one by one.
        A run materializing 365 partitions in one step: 1.14 -> 0.47 s (with one planned event
        for the range, as the run command and `make dev` have Dagster emit)."""
        if not _one_runs_events_of_one_kind(events):
            super().store_event_batch(events)
            return
        statements = [self.prepare_insert_event(event) for event in events]
        with self.run_connection(events[0].run_id) as conn:
            for statement in statements:
                conn.execute(statement)
        with self.index_transaction() as conn:
            event_ids = []
            for statement in statements:
                with db_result(conn, statement) as result:
                    event_ids.append(result.inserted_primary_key[0])
            self._store_asset_event_tags(conn, events, event_ids)
            latest = {}
            for event, event_id in zip(events, event_ids, strict=True):
                latest[event.get_dagster_event().asset_key] = (event, event_id)
            for event, event_id in latest.values():
                self._store_asset_event(conn, event, event_id)

    def _close_all(self) -> None:
        with self._db_lock:
            while self._engines:
                _, engine = self._engines.popitem()
                engine.dispose()

    def wipe(self) -> None:
        self._close_all()  # the files are deleted: no connection may keep them
        self._known_tables.clear()
        self._known_asset_key_columns.clear()
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()


# The asset events whose index rows store_event_batch writes as store_event does.
_BATCHED_KINDS = {
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
    dg.DagsterEventType.ASSET_OBSERVATION,
}


def _one_runs_events_of_one_kind(events: Sequence[EventLogEntry]) -> bool:
    if not events or not events[0].is_dagster_event:
        return False
    kind, run_id = events[0].get_dagster_event().event_type, events[0].run_id
    return kind in _BATCHED_KINDS and all(
        event.is_dagster_event
        and event.get_dagster_event().event_type == kind
        and event.get_dagster_event().asset_key is not None
        and event.run_id == run_id
        for event in events
    )
