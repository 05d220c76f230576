"""The run lock: one run command per data directory at a time (`<data dir>/.warehouse.lock`)."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from dagster_project.core.paths import warehouse_path

from .errors import RunError

LOCK_NAME = ".warehouse.lock"


@contextmanager
def warehouse_lock(data_dir: Path):
    """Hold an exclusive lock on the data directory's warehouse for the whole run."""
    lock_path = data_dir / LOCK_NAME
    fh = open(lock_path, "a+")  # noqa: SIM115 - held open for the whole run
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "another process"
        fh.close()
        raise RunError(
            f"another run holds the warehouse {warehouse_path(data_dir)} ({holder}); "
            "wait for it to finish, then run again"
        ) from None
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()}")
    fh.flush()
    try:
        yield
    finally:
        fh.close()
