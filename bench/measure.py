"""Wall time, CPU time and peak memory of a command and every process it starts (Linux /proc).

Peak RSS is the largest *sum* over the process tree at any sample (the Dagster run and its dbt
subprocess are alive at the same time), sampled every 0.1 s; `wait4` gives the largest
single process (the command or a descendant it waited for), as a cross-check that a short
spike between samples is not missed.

CPU seconds are the machine's busy time while the command ran (/proc/stat: user, nice,
system, irq, softirq; not idle, I/O wait or steal), not the command's own: the dbt process
the pipeline starts is not a child `wait4` accounts for. On the bench machine nothing else
runs, and the figure says how much work a run is beside how long it takes: a run that keeps
both cores busy is bound by its work, not by its scheduling.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mb: float  # the process tree's largest sampled total
    largest_process_mb: float  # wait4's ru_maxrss: the largest single process
    returncode: int
    output: str
    spilled_mb: float = 0.0  # the largest total size of `watch_dir` (DuckDB's spill files)
    cpu_seconds: float = 0.0  # the machine's busy CPU-seconds while it ran (busy_cpu_seconds)


def busy_cpu_seconds(stat_line: str, ticks_per_second: int) -> float:
    """Busy CPU-seconds in /proc/stat's `cpu` line (every core): user, nice, system, irq and
    softirq ticks (guest time is counted in user); idle, iowait and steal are not busy."""
    user, nice, system, _idle, _iowait, irq, softirq = map(int, stat_line.split()[1:8])
    return (user + nice + system + irq + softirq) / ticks_per_second


def machine_busy_seconds() -> float:
    with open("/proc/stat") as stat:
        return busy_cpu_seconds(stat.readline(), os.sysconf("SC_CLK_TCK"))


def _children_by_parent() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss_kb(root: int) -> int:
    """Resident memory (kB) of `root` and all its descendants right now."""
    tree = _children_by_parent()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident_pages * PAGE_KB
    return total


def dir_bytes(path: Path | None) -> int:
    """Bytes in the files under `path`; DuckDB creates and removes its spill directory and
    files while we look, so what vanished counts as empty (0 when the directory is gone)."""
    if path is None:
        return 0
    total = 0
    try:
        for file in path.rglob("*"):
            try:
                total += file.stat().st_size
            except OSError:
                continue  # removed while we looked
    except OSError:  # the directory itself (or one below it) removed while we looked
        pass
    return total


def run_measured(
    command: list[str], *, env: dict[str, str], cwd: Path, log: Path, watch_dir: Path | None = None
) -> Measured:
    """Run `command`, its output to `log` (and returned), sampling its tree's memory and the
    size of `watch_dir` (where DuckDB spills)."""
    peak = spilled = 0
    busy_before = machine_busy_seconds()
    started = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak, spilled
            while not stop.is_set():
                peak = max(peak, tree_rss_kb(proc.pid))
                spilled = max(spilled, dir_bytes(watch_dir))
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        cpu_seconds = machine_busy_seconds() - busy_before
        stop.set()
        sampler.join()
    return Measured(
        seconds=seconds,
        peak_rss_mb=peak / 1024,
        largest_process_mb=usage.ru_maxrss / 1024,
        returncode=returncode,
        output=log.read_text(),
        spilled_mb=spilled / 2**20,
        cpu_seconds=cpu_seconds,
    )
