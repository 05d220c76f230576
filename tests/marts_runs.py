"""Real runs for the publishing and crash-recovery tests: scenarios, fingerprints, a reader.

The scenario: a data directory with log dates up to 2026-10-30 has been run once (the *old*
marts are published), then the files of log date 2026-10-31 arrive and the next run publishes
the *new* marts. The base directory is built once per session and copied for each test; the
uninterrupted run over the copy (with a reader loop watching it) is the reference every
recovered run must equal.

`python -m tests.marts_runs read-loop MARTS OUT STOP` is the reader process: it opens MARTS
read-only over and over, fingerprints every table in one connection, and appends one JSON line
per read (or per error) to OUT until the file STOP exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.defs.publish.publish import quote_identifier
from tests.marts_snapshot import select_rows

REPO_ROOT = Path(__file__).resolve().parent.parent
STALL_TIMEOUT = 150  # seconds without a progress line (normally under 20): the run hangs
WINDOW = "2026-10-"  # the log dates of the scenario: the sample's last days
NEW_DAY = "2026-10-31"  # the last log date of the generated sample, held back from the base
TEMP_GLOB = ".marts.duckdb.*"  # publish's temporary files (and their .wal)


# --- fingerprints -------------------------------------------------------------------------


def fingerprint(path: Path) -> str:
    """Every table's columns, row count and an order-free hash of its rows, read in one
    read-only connection; a canonical JSON string (equal strings = equal contents)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return _fingerprint(con)


def rows(table: str) -> str:
    """SELECT of a published table's rows, without the instant of publishing, the one value
    two publishes of the same marts do not share."""
    return select_rows(table, quote_identifier(table))


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    result = {}
    for table in tables:
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_catalog = current_database() AND table_name = ?"
            " ORDER BY ordinal_position",
            [table],
        ).fetchall()
        count, hashes = con.execute(
            f"SELECT count(*), coalesce(sum(hash(t)), 0)::VARCHAR FROM ({rows(table)}) AS t"
        ).fetchone()
        result[table] = [[list(c) for c in columns], count, hashes]
    return json.dumps(result, sort_keys=True)


def contents(path: Path) -> dict[str, tuple[list, list]]:
    """Every table of a published file: its columns and all its rows, sorted."""
    with duckdb.connect(str(path), read_only=True) as con:
        out = {}
        for (table,) in con.execute("SHOW TABLES").fetchall():
            cur = con.execute(f"{rows(table)} ORDER BY ALL")
            columns = [d[0] for d in cur.description]
            out[table] = (columns, cur.fetchall())
        return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temp_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.glob(TEMP_GLOB))


# --- the reader process ---------------------------------------------------------------------


def read_loop(marts: Path, out: Path, stop: Path) -> None:
    """Read `marts` until `stop` exists. Tight while a publish is under way (its temporary
    file exists), a short pause otherwise so the run under test keeps its CPU."""
    with open(out, "a") as fh:
        while not stop.exists():
            record: dict[str, object] = {"t": time.time()}
            try:
                record["fp"] = fingerprint(marts)
            except Exception as exc:  # every error is a finding; the test asserts none
                record["error"] = f"{type(exc).__name__}: {exc}"
            fh.write(json.dumps(record) + "\n")
            fh.flush()
            if not any(marts.parent.glob(TEMP_GLOB)):
                time.sleep(0.02)


@dataclass
class Reads:
    records: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [r["error"] for r in self.records if "error" in r]

    @property
    def fingerprints(self) -> list[str]:
        return [r["fp"] for r in self.records if "fp" in r]


@contextmanager
def reader_loop(marts: Path, workdir: Path, min_reads: int = 3) -> Iterator[Reads]:
    """Run the reader as a separate process around the block; the yielded Reads fill in at
    the end. The block starts once the reader has read `min_reads` times."""
    out, stop = workdir / "reads.jsonl", workdir / "reads.stop"
    out.unlink(missing_ok=True)
    stop.unlink(missing_ok=True)
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.marts_runs", "read-loop", str(marts), str(out), str(stop)],
        cwd=REPO_ROOT,
        start_new_session=True,
    )
    reads = Reads()

    def count() -> int:
        return len(out.read_text().splitlines()) if out.exists() else 0

    try:
        _wait_for(lambda: count() >= min_reads or reader.poll() is not None, 60)
        assert reader.poll() is None, "the reader process died before the run"
        yield reads
        started = count()
        _wait_for(lambda: count() >= started + min_reads or reader.poll() is not None, 60)
        stop.touch()
        assert reader.wait(timeout=60) == 0, "the reader process failed"
    finally:
        if reader.poll() is None:
            os.killpg(reader.pid, signal.SIGKILL)
            reader.wait()
    reads.records.extend(json.loads(line) for line in out.read_text().splitlines())


def _wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        time.sleep(0.01)


# --- runs -----------------------------------------------------------------------------------


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "PARTNER_DATA_DIR")}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "dagster_project", *args]


def start_run(data_dir: Path, *flags: str) -> subprocess.Popen:
    """The run command in its own session and process group; stderr (progress) is piped."""
    return subprocess.Popen(
        cli("run", "--data-dir", str(data_dir), *flags),
        cwd=REPO_ROOT,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def progress(proc: subprocess.Popen, data_dir: Path) -> Iterator[str]:
    """The run's progress (stderr) lines as they come. Fails the test when none comes for
    STALL_TIMEOUT seconds: the run hangs, e.g. waiting forever for a Dagster pool slot that a
    killed run still holds."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        with proc.stderr:
            for line in proc.stderr:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=STALL_TIMEOUT)
        except queue.Empty:
            raise AssertionError(
                f"run stalled: no progress for {STALL_TIMEOUT}s ({_claimed_slots(data_dir)})"
                f" after:\n{''.join(seen)}"
            ) from None
        if line is None:
            return
        seen.append(line)
        yield line


def run_to_end(data_dir: Path, *flags: str) -> str:
    """An uninterrupted run; return its stderr. Fails the test on error or on a stall."""
    proc = start_run(data_dir, *flags)
    try:
        stderr = "".join(progress(proc, data_dir))
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, stderr
    return stderr


def _claimed_slots(data_dir: Path) -> str:
    """Best effort, for a stall's message: who holds the Dagster pool slots."""
    index = data_dir / ".dagster" / "history" / "runs" / "index.db"
    try:
        with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as con:
            rows = con.execute(
                "SELECT concurrency_key, run_id, step_key FROM concurrency_slots"
                " WHERE run_id IS NOT NULL"
            ).fetchall()
    except sqlite3.Error as exc:
        return f"pool slots unknown: {exc}"
    claimed = ", ".join(f"pool {k} held by run {r} step {s}" for k, r, s in rows)
    return claimed or "no pool slot claimed"


def group_processes(pgid: int) -> dict[int, tuple[str, str]]:
    """Processes of a process group: pid -> (state, command line); zombies included."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:
            found[int(entry.name)] = (fields[0], cmdline.strip())
    return found


def live_processes(pgid: int) -> dict[int, tuple[str, str]]:
    """Group members that still run (a zombie is dead, merely not yet reaped)."""
    return {pid: p for pid, p in group_processes(pgid).items() if p[0] not in ("Z", "X")}


# --- the shared scenario --------------------------------------------------------------------


@dataclass
class Base:
    data_dir: Path  # run once over every log date but NEW_DAY; never changed afterwards
    new_day: list[Path]  # the files of NEW_DAY, one per feed that has one
    old_fingerprint: str
    old_contents: dict


@dataclass
class Reference:
    data_dir: Path  # Base + NEW_DAY, run once without interruption
    reads: Reads  # what a reader process saw during that run
    run_started: float  # time.time() around the run
    run_ended: float
    stderr: str
    new_fingerprint: str
    new_contents: dict


_cache: dict[str, object] = {}


def base(tmp_path_factory) -> Base:
    if "base" not in _cache:
        generated = tmp_path_factory.mktemp("generated")
        done = subprocess.run(
            cli("generate", "--data-dir", str(generated), "--days", "4", "--seed", "11"),
            cwd=REPO_ROOT,
            env=cli_env(),
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        data_dir = tmp_path_factory.mktemp("base") / "data"
        new_day = []
        for path in sorted((generated / "raw").glob("*/*")):
            if not path.name.startswith(WINDOW):
                continue  # the sample's year-old late file: a run would span a year of dates
            if re.match(rf"{NEW_DAY}\.jsonl(\.gz)?$", path.name):
                new_day.append(path)
                continue
            target = data_dir / "raw" / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        assert new_day, f"the generated sample has no files for {NEW_DAY}"
        run_to_end(data_dir)
        marts = data_dir / "marts.duckdb"
        _cache["base"] = Base(data_dir, new_day, fingerprint(marts), contents(marts))
    return _cache["base"]  # type: ignore[return-value]


def scenario(tmp_path_factory, name: str) -> Path:
    """A copy of the base directory (instance and warehouse included) with NEW_DAY added."""
    shared = base(tmp_path_factory)
    data_dir = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(shared.data_dir, data_dir)  # copy2: mtimes kept, unchanged files skip
    for path in shared.new_day:
        shutil.copy2(path, data_dir / "raw" / path.parent.name / path.name)
    return data_dir


def reference(tmp_path_factory) -> Reference:
    """The uninterrupted run of the scenario, a reader process reading throughout."""
    if "reference" not in _cache:
        data_dir = scenario(tmp_path_factory, "reference")
        marts = data_dir / "marts.duckdb"
        with reader_loop(marts, data_dir.parent) as reads:
            started = time.time()
            stderr = run_to_end(data_dir)
            ended = time.time()
        _cache["reference"] = Reference(
            data_dir, reads, started, ended, stderr, fingerprint(marts), contents(marts)
        )
    return _cache["reference"]  # type: ignore[return-value]


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "read-loop":
        read_loop(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        sys.exit("usage: python -m tests.marts_runs read-loop MARTS OUT STOP")
