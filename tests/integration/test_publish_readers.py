"""Readers of marts.duckdb during a run: never an error, never a mix of old and new (SPEC §4).

Real processes: the run command and, beside it, a reader process opening `marts.duckdb`
read-only in a loop (tests/marts_runs.py). Then reruns with no new logs change nothing: one
with nothing to do, and one that reloads and rebuilds a log date whose files were touched.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.marts_runs import (
    NEW_DAY,
    Base,
    Reference,
    base,
    contents,
    reader_loop,
    reference,
    run_to_end,
    temp_files,
)


@pytest.fixture(scope="module")
def old(tmp_path_factory) -> Base:
    return base(tmp_path_factory)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Reference:
    return reference(tmp_path_factory)


def test_reader_sees_old_then_new_marts_whole_and_never_an_error(old: Base, run: Reference):
    assert run.new_fingerprint != old.old_fingerprint  # the new log date changes the marts
    assert run.reads.errors == []
    seen = run.reads.fingerprints
    during = [r for r in run.reads.records if run.run_started <= r["t"] <= run.run_ended]
    assert len(during) >= 20, f"only {len(during)} reads during the run"
    unknown = set(seen) - {old.old_fingerprint, run.new_fingerprint}
    assert not unknown, f"{len(unknown)} fingerprint(s) neither old nor new: a mix or a half file"
    assert old.old_fingerprint in seen and run.new_fingerprint in seen
    # Old until the swap, new ever after: one switch.
    switch = seen.index(run.new_fingerprint)
    assert set(seen[:switch]) == {old.old_fingerprint}
    assert set(seen[switch:]) == {run.new_fingerprint}
    assert temp_files(run.data_dir) == []


def test_rerun_without_new_logs_leaves_the_marts_identical(run: Reference, tmp_path: Path):
    marts = run.data_dir / "marts.duckdb"
    stderr = run_to_end(run.data_dir)
    assert "[run] nothing to do" in stderr
    assert contents(marts) == run.new_contents

    # Same logs, new modification times (copied again, restored from a backup): the content
    # is unchanged, so nothing is reloaded.
    touched = [path for path in (run.data_dir / "raw").glob(f"*/{NEW_DAY}.jsonl*")]
    assert touched
    for path in touched:
        os.utime(path, ns=(time.time_ns(), time.time_ns()))
    assert "[run] nothing to do" in run_to_end(run.data_dir)
    # A full refresh reloads and rebuilds everything while readers read: the marts come out
    # the same, row for row, and readers only ever see one whole file.
    with reader_loop(marts, tmp_path) as reads:
        stderr = run_to_end(run.data_dir, "--full-refresh")
    assert "[publish]" in stderr
    assert contents(marts) == run.new_contents
    assert reads.errors == []
    assert set(reads.fingerprints) == {run.new_fingerprint}
    assert temp_files(run.data_dir) == []
