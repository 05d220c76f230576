"""`kill -9` of a run's whole process group at several moments (SPEC §4, issue 4).

The moments, picked by the run's progress lines: while raw logs load; halfway through
`dbt build` (the dbt subprocess running); mid-publish (the moment publish's temporary file
appears). After each kill the published `marts.duckdb` is byte for byte what it was and
nothing of the killed run is left running; the next run, without any cleanup by hand,
publishes marts equal to an uninterrupted run's, row for row. Scenario and helpers:
tests/marts_runs.py.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.publish.publish import publish_marts
from tests.conftest import REPO_ROOT
from tests.marts_runs import (
    Base,
    Reference,
    base,
    cli,
    cli_env,
    contents,
    digest,
    fingerprint,
    group_processes,
    live_processes,
    progress,
    reference,
    run_to_end,
    scenario,
    start_run,
    temp_files,
)

BUILT = re.compile(r"\[dbt\] (\d+)/(\d+) built: ")


def kill_at(proc: subprocess.Popen, data_dir: Path, moment: str) -> dict[int, tuple[str, str]]:
    """Read the run's progress until `moment`, then SIGKILL its process group; return the
    group's processes as they were just before the kill."""
    seen = []
    for line in progress(proc, data_dir):
        seen.append(line)
        if moment == "raw_load" and line.startswith("[load "):
            break  # the first feed is loaded, the next is loading
        built = BUILT.match(line)
        if moment == "dbt_build" and built and 2 * int(built[1]) >= int(built[2]):
            break  # half the models built, dbt running
        if moment == "publish" and re.match(r"\[dbt\] \d+ models and seeds built", line):
            # Publishing comes next and is quick: watch for its temporary file.
            deadline = time.monotonic() + 60
            while not temp_files(data_dir):
                assert proc.poll() is None, "the run ended before its publish could be caught"
                assert time.monotonic() < deadline, "publish never started"
                time.sleep(0.0005)
            break
    else:
        raise AssertionError(f"the run ended before moment {moment}:\n{''.join(seen)}")
    members = group_processes(proc.pid)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return members


@pytest.fixture(scope="module")
def old(tmp_path_factory) -> Base:
    return base(tmp_path_factory)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Reference:
    return reference(tmp_path_factory)


# kill -9 a run at each moment in turn, each next run starting from what the previous kill
# left (a run killed while loading, the next killed mid-dbt, the next mid-publish), then one
# clean run that must equal the uninterrupted run. Each kill is checked on its own (nothing
# left running, the published file untouched); one chain costs four runs where a case per
# moment cost six.
MOMENTS = ("raw_load", "dbt_build", "publish")
KILL_SEQUENCES = [MOMENTS]


@pytest.mark.parametrize("moments", KILL_SEQUENCES, ids="-then-".join)
def test_killed_runs_leave_the_marts_and_the_next_run_recovers(
    moments: tuple[str, ...], old: Base, uninterrupted: Reference, tmp_path_factory
):
    data_dir = scenario(tmp_path_factory, "kill_" + "_".join(moments))
    marts = data_dir / "marts.duckdb"
    before, inode = digest(marts), marts.stat().st_ino

    for moment in moments:
        proc = start_run(data_dir)
        try:
            members = kill_at(proc, data_dir, moment)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

        # The whole group is gone, the dbt subprocess included.
        deadline = time.monotonic() + 10
        while live_processes(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live_processes(proc.pid) == {}, f"killed at {moment}"
        if moment == "dbt_build":
            assert any("dbt" in cmd and " build " in cmd for _, cmd in members.values()), members
        # The published file is untouched.
        assert digest(marts) == before and marts.stat().st_ino == inode, f"killed at {moment}"
        assert fingerprint(marts) == old.old_fingerprint
        if moment == "publish":  # caught mid-publish: the killed run's temporary file is left
            assert f".marts.duckdb.{proc.pid}.tmp" in temp_files(data_dir)

    # The next run, as is, recovers: the marts equal the uninterrupted run's, row for row.
    run_to_end(data_dir)
    assert contents(marts) == uninterrupted.new_contents
    assert temp_files(data_dir) == []  # the killed run's temporary file is cleaned up


# --- the same recovery, unit-sized: what a kill mid-publish leaves behind -------------------


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid  # reaped: no such process (until the pid is reused)


def test_publish_removes_temporary_files_of_dead_processes_only(tmp_path: Path):
    warehouse = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    warehouse.execute("CREATE SCHEMA marts")
    warehouse.execute("CREATE TABLE marts.fct_x AS SELECT 1 AS x")
    target = tmp_path / "marts.duckdb"
    dead = [tmp_path / f".marts.duckdb.{dead_pid()}.tmp{wal}" for wal in ("", ".wal")]
    alive = tmp_path / f".marts.duckdb.{os.getppid()}.tmp"  # a publish under way elsewhere
    for path in [*dead, alive]:
        path.write_bytes(b"half a file")

    publish_marts(warehouse, target, docs={})
    assert temp_files(tmp_path) == [alive.name]
    assert contents(target) == {"fct_x": (["x"], [(1,)])}


def test_publish_ignores_a_stale_wal_of_its_own_temporary_file(tmp_path: Path):
    """A stale `.tmp.wal` under this process's name (a reused pid) must not be replayed."""
    warehouse = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    warehouse.execute("CREATE SCHEMA marts")
    warehouse.execute("CREATE TABLE marts.fct_x AS SELECT 1 AS x")
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:  # a real WAL, as a killed publish leaves one
        con.execute("SET checkpoint_threshold = '1TB'")
        con.execute("CREATE TABLE stale AS SELECT 2 AS y")
        shutil.copy(
            tmp_path / "other.duckdb.wal", tmp_path / f".marts.duckdb.{os.getpid()}.tmp.wal"
        )
    target = tmp_path / "marts.duckdb"

    assert publish_marts(warehouse, target, docs={}) == {"fct_x": 1}
    with duckdb.connect(str(target), read_only=True) as con:
        assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["fct_x"]
    assert temp_files(tmp_path) == []


def test_kill_9_of_the_run_process_alone_takes_dbt_with_it(old: Base, tmp_path_factory):
    """Only the main process is killed (not its group): dbt dies with it (parent-death
    signal), and a run started at once proceeds or refuses in one line, never a traceback."""
    data_dir = scenario(tmp_path_factory, "kill_main_only")
    proc = start_run(data_dir)
    try:
        for line in progress(proc, data_dir):
            built = BUILT.match(line)
            if built and 2 * int(built[1]) >= int(built[2]):
                break
        else:
            raise AssertionError("the run ended before dbt was half done")
        # dbt's launcher (bin/dbt build ...) and the warm dbt server with its child running
        # the build (bin/dbt_warm.py)
        dbt = [
            p
            for p, (_, cmd) in group_processes(proc.pid).items()
            if " build " in cmd or "dbt_warm.py" in cmd
        ]
        assert sum("dbt_warm.py" in cmd for _, cmd in group_processes(proc.pid).values()) == 2
        assert dbt, group_processes(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        again = subprocess.run(
            cli("run", "--data-dir", str(data_dir)),
            cwd=REPO_ROOT,
            env=cli_env(),
            capture_output=True,
            text=True,
        )
        assert "Traceback" not in again.stderr, again.stderr
        if again.returncode != 0:
            assert again.stderr.strip().splitlines()[-1].startswith("run failed: "), again.stderr
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{p}").exists() for p in dbt) and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = {p: s for p, s in group_processes(proc.pid).items() if p in dbt}
        assert all(state in ("Z", "X") for state, _ in alive.values()), alive
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        group = live_processes(proc.pid)
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
    run_to_end(data_dir)
