"""Measuring a scenario several times and keeping its median, on a machine whose speed varies.

One run of each scenario left the verdicts at the machine's mercy: on this project's 2-core
machine the floor script alone measured 15.1 to 26.6 s across one day, and a target met by
one `make bench` was missed by the next with the same code. Each timed scenario now runs
`--repeat` times (default 3); the figures kept are those of the median run (its stages
with it, so they add up), with every run's seconds beside them (`samples_seconds`) and the
largest peak RSS of any of them (the memory target is a maximum, not a typical value).

A nightly scenario measures the same night again from the same starting point: the data
directory as its untimed history build left it is kept aside (`snapshot`) and put back
before each further run (`restore`). Raw log files are hard links to the cached profile
and stay links; everything else (the warehouse, the published file, Dagster's instance) is
copied, since a run writes those in place.
"""

from __future__ import annotations

import os
import shutil
import statistics
from pathlib import Path

RAW = "raw"


def median_sample(samples: list[dict]) -> dict:
    """The run whose wall time is the (lower) median of `samples`, with `samples_seconds`
    (every run's, in the order run) and `peak_rss_mb` the largest of any run."""
    if not samples:
        raise ValueError("no runs to take a median of")
    seconds = [s["seconds"] for s in samples]
    chosen = dict(samples[seconds.index(statistics.median_low(seconds))])
    chosen["samples_seconds"] = seconds
    chosen["peak_rss_mb"] = max(s["peak_rss_mb"] for s in samples)
    return chosen


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _copy_tree(source: Path, target: Path) -> None:
    """`source` into a new `target`: its raw/ folder as hard links, the rest copied."""
    target.mkdir(parents=True)
    for entry in source.iterdir():
        if entry.is_dir():
            copy = _link_or_copy if entry.name == RAW else shutil.copy2
            shutil.copytree(entry, target / entry.name, copy_function=copy, symlinks=True)
        else:
            shutil.copy2(entry, target / entry.name)


def snapshot(data_dir: Path) -> Path:
    """Keep `data_dir` as it is now in `<data_dir>.before` (replacing an older one)."""
    kept = data_dir.with_name(data_dir.name + ".before")
    if kept.exists():
        shutil.rmtree(kept)
    _copy_tree(data_dir, kept)
    return kept


def restore(kept: Path, data_dir: Path) -> None:
    """Put `data_dir` back as `snapshot` kept it (anything added since is gone)."""
    shutil.rmtree(data_dir)
    _copy_tree(kept, data_dir)
