"""A feed's files loaded by two workers at once, each with its own DuckDB connection.

The loader's Python (reading, hashing, decoding) and DuckDB's insert of a file take turns on
one core when one thread loads file after file; two workers, each loading every other log
date in its own transaction (raw_loading.load_partitions), keep both cores busy. DuckDB lets
connections of one process append to the same table at once; the workers touch disjoint log
dates, so their deletes and `raw._file_loads` rows never conflict.

When a file fails, its worker rolls back, the other stops at its next file and rolls back
too (one that already committed keeps its files, each loaded whole and recorded), and the
failure is raised. Progress lines are said by the calling thread only: Dagster's log is not
written from the workers.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.defs.ingest.raw_loading import LoadResult, load_partitions

WORKERS = 2
_MIN_FILES_PER_WORKER = 4  # fewer: one worker, the second connection is not worth it


class _Stopped(Exception):
    """The other worker failed: stop and roll back."""


def load_in_parallel(
    con: duckdb.DuckDBPyConnection,
    feed: str,
    files: list[tuple[date, list[Path]]],
    force: bool,
    count: Callable[[LoadResult], str | None],
    say: Callable[[str], None],
) -> None:
    """Load every (log date, files) of `feed`; `count` gets each result (under a lock) and
    returns a progress line or None; `say` says those lines from the calling thread."""
    loading = sum(1 for _, paths in files if paths)
    workers = max(1, min(WORKERS, loading // _MIN_FILES_PER_WORKER))
    shares = [files[i::workers] for i in range(workers)]
    lines: queue.Queue = queue.Queue()
    lock = threading.Lock()
    failed = threading.Event()
    errors: list[BaseException] = []

    def work(share: list[tuple[date, list[Path]]]) -> None:
        cursor = con.cursor()  # its own connection to the same database
        try:
            for result in load_partitions(cursor, feed, _until_failed(share, failed), force=force):
                with lock:
                    line = count(result)
                if line:
                    lines.put(line)
        except _Stopped:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            failed.set()
            errors.append(exc)
        finally:
            cursor.close()
            lines.put(None)  # this worker is done

    threads = [threading.Thread(target=work, args=(share,), daemon=True) for share in shares]
    for thread in threads:
        thread.start()
    finished = 0
    while finished < len(threads):
        line = lines.get()
        if line is None:
            finished += 1
        else:
            say(line)
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _until_failed(share, failed: threading.Event):
    for item in share:
        if failed.is_set():
            raise _Stopped
        yield item
