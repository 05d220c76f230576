"""The benchmark's data: the generated profile (cached) and one data directory per scenario.

A scenario's data directory gets symbolic links to the cached raw files (a copy where links
are not possible), so building a dozen of them costs no disk and no time, and the cached logs
are never written to. Not hard links: a hard link shares the file's inode, so linking it
into (or unlinking it from) another scenario changes its link count and with it its ctime,
which the pipeline reads as a possible rewrite and hashes the file again
(core/fingerprints.py). The half-history scenario, built after the full history's, did
that to the first half of the full history's files: its nights hashed about 800 unchanged
files (0.76-0.80 s of `pending_log_dates` against 0.006-0.008 s), a cost no deployment has.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_project.core.log_files import discover

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"  # git-ignored


def count_lines(path: Path) -> int:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def ensure_profile(profile: str, say) -> tuple[Path, dict]:
    """`<bench/data>/<profile>/raw`, generated on first use; its summary (files, lines, bytes,
    log dates)."""
    root = DATA_DIR / profile
    summary_path = root / "generated.json"
    if summary_path.exists():
        return root / "raw", json.loads(summary_path.read_text())
    if (root / "raw").exists():
        shutil.rmtree(root / "raw")  # an interrupted generation
    say(f"[bench] generating the {profile} profile into {root} (once; cached)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster_project",
            "generate",
            "--profile",
            profile,
            "--data-dir",
            str(root),
        ],
        check=True,
    )
    files = discover(root)
    summary = {
        "profile": profile,
        "files": len(files),
        "bytes": sum(f.path.stat().st_size for f in files),
        "lines": sum(count_lines(f.path) for f in files),
        "log_dates": sorted({f.partition_key for f in files}),
    }
    summary_path.write_text(json.dumps(summary, indent=1))
    return root / "raw", summary


def scenario_dir(name: str, raw: Path, log_dates: list[str]) -> Path:
    """A fresh data directory `<bench/data>/runs/<name>` holding the raw files of `log_dates`."""
    target = DATA_DIR / "runs" / name
    if target.exists():
        shutil.rmtree(target)
    add_log_dates(target, raw, log_dates)
    return target


def add_log_dates(target: Path, raw: Path, log_dates: list[str]) -> None:
    wanted = set(log_dates)
    for f in discover(raw.parent):
        if f.partition_key not in wanted:
            continue
        link = target / "raw" / f.feed / f.path.name
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.symlink(f.path.resolve(), link)
        except OSError:
            shutil.copy2(f.path, link)
