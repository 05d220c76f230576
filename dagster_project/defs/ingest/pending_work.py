"""Pending work, the one notion every entry point decides from: the log files on disk against
what the warehouse loaded and transformed.

A file is identified by its content (core/fingerprints.py: a hash of its bytes, skipped while
its stat is the one recorded when it was last hashed).

The truth is `raw._file_loads` in the warehouse (raw_loading.py). DuckDB lets no other process
open the warehouse while a run writes it, so every successful load or transform also writes a
copy of that table to `<data dir>/.load_state.json` (replaced atomically), which the late-file
sensor and the nightly schedule read. The copy may lag behind the truth (a run killed between
its commit and the copy) but never leads it: a lagging copy makes a date look pending, and the
loader, deciding from the truth, then skips the unchanged files.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dagster_project.core.fingerprints import FileVersion, current_version
from dagster_project.core.log_files import LogFile

STATE_COPY_NAME = ".load_state.json"


# (feed, log date) -> version
Versions = dict[tuple[str, str], FileVersion]


@dataclass(frozen=True)
class LoadState:
    loaded: Versions  # what the loaders last read (raw._file_loads)
    untransformed: frozenset[str]  # log dates loaded since dbt last transformed them


EMPTY_STATE = LoadState({}, frozenset())


def file_versions(files: list[LogFile], state: LoadState = EMPTY_STATE) -> Versions:
    return {
        (f.feed, f.partition_key): current_version(
            f.path, state.loaded.get((f.feed, f.partition_key))
        )
        for f in files
    }


def log_dates_to_run(current: Versions, state: LoadState) -> list[str]:
    """Sorted log dates whose files differ (name or content) from what was loaded, or that
    await dbt."""
    keys = current.keys() | state.loaded.keys()

    def identity(versions: Versions, key) -> tuple[str, str] | None:
        version = versions.get(key)
        return version.identity if version else None

    changed = {
        day
        for feed, day in keys
        if identity(current, (feed, day)) != identity(state.loaded, (feed, day))
    }
    return sorted(changed | state.untransformed)


def pending_log_dates(files: list[LogFile], state: LoadState) -> list[str]:
    """The log dates a run must process now. Hashes only the files loaded before whose stat
    changed: a file of a feed and log date never loaded is pending whatever it holds, and the
    loader hashes it as it reads it (a first run over the bench: 2.3 s less)."""
    never_loaded = {f.partition_key for f in files if (f.feed, f.partition_key) not in state.loaded}
    loaded_before = [f for f in files if (f.feed, f.partition_key) in state.loaded]
    return sorted(set(log_dates_to_run(file_versions(loaded_before, state), state)) | never_loaded)


# --- the state and its copy -------------------------------------------------------------


def state_from_rows(rows) -> LoadState:
    """From `raw._file_loads` rows (feed, 'YYYY-MM-DD', file_name, content_hash, size, mtime,
    ctime, inode, transformed); a file that is gone has no name."""
    loaded: Versions = {}
    untransformed = set()
    for feed, day, name, digest, size, mtime, ctime, inode, transformed in rows:
        if name:
            loaded[(feed, day)] = FileVersion(
                name, digest or "", size or 0, mtime or 0, ctime or 0, inode or 0
            )
        if not transformed:
            untransformed.add(day)
    return LoadState(loaded, frozenset(untransformed))


def state_copy_path(data_dir: Path) -> Path:
    return data_dir / STATE_COPY_NAME


def write_state_copy(data_dir: Path, state: LoadState) -> None:
    """Replace `<data dir>/.load_state.json` atomically with `state`."""
    # vars(), not asdict() (which deep-copies), one json.dumps (no indent): 25 → 7 ms
    # for a bench history, and a run writes the copy after each feed's load.
    body = {
        "loaded": [
            {"feed": feed, "log_date": day, **vars(version)}
            for (feed, day), version in sorted(state.loaded.items())
        ],
        "untransformed": sorted(state.untransformed),
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{STATE_COPY_NAME}.", dir=data_dir)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(body))  # one string: json.dump writes chunk by chunk
        os.replace(tmp, state_copy_path(data_dir))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_state_copy(data_dir: Path) -> LoadState:
    """The copy the sensor and the schedule read; empty when there is none yet."""
    path = state_copy_path(data_dir)
    if not path.exists():
        return EMPTY_STATE
    body = json.loads(path.read_text())
    loaded = {}
    for entry in body["loaded"]:
        feed, day = entry.pop("feed"), entry.pop("log_date")
        loaded[(feed, day)] = FileVersion(**entry)
    return LoadState(loaded, frozenset(body["untransformed"]))
