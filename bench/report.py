"""The benchmark's verdicts, terminal table, machine description and README block."""

from __future__ import annotations

import os
import platform
import re
from importlib.metadata import version
from pathlib import Path

TARGETS = {
    # name: (description, limit, goal or None)
    "full_vs_floor": ("full run / floor script", 2.0, 1.5),
    "nightly_vs_floor": ("nightly (full history) / floor script beside the nights", 1.0, 0.5),
    "nightly_half_vs_full_history": (
        "nightly on half vs full history: difference / full",
        0.20,
        None,
    ),
    "no_new_logs_seconds": ("run with no new logs, seconds", 5.0, None),
    "peak_rss_mb": ("largest peak RSS of any run, MB", 2048.0, None),
    "scale_peak_rss_mb": (
        "peak RSS of the full run at 4 x bench (make bench-scale), MB",
        2048.0,
        None,
    ),
}
STAGES = ("load", "staging", "marts", "tests", "checks", "publish")


def verdicts(results: dict) -> dict[str, dict]:
    """Each target's value, limit, goal and whether the limit (`met`) and the goal are met.
    The 4 x bench target is judged only when results hold a scale test."""
    s = results["scenarios"]
    full, nightly, half = (s[k]["seconds"] for k in ("full", "nightly", "nightly_half_history"))
    floor = results["floor"]["seconds"]
    # the floor runs taken between the nights (results before they were: the full runs')
    night_floor = results.get("floor_beside_nights", results["floor"])["seconds"]
    values = {
        "full_vs_floor": full / floor,
        "nightly_vs_floor": nightly / night_floor,
        "nightly_half_vs_full_history": abs(nightly - half) / nightly,
        "no_new_logs_seconds": s["no_new_logs"]["seconds"],
        "peak_rss_mb": max(v["peak_rss_mb"] for v in s.values()),
    }
    if "scale_test" in results:
        values["scale_peak_rss_mb"] = results["scale_test"]["full"]["peak_rss_mb"]
    out = {}
    for name, value in values.items():
        _, limit, goal = TARGETS[name]
        out[name] = {"value": round(value, 3), "limit": limit, "met": value <= limit}
        if goal is not None:
            out[name] |= {"goal": goal, "goal_met": value <= goal}
    return out


def machine() -> dict:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    mem_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        mem_gb = round(int(found.group(1)) / 1024 / 1024, 1) if found else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        **{pkg: version(pkg) for pkg in ("duckdb", "dagster", "dbt-core", "dbt-duckdb")},
    }


def _rate(stage: dict | None) -> str:
    if not stage or not stage.get("seconds"):
        return "–"
    text = f"{stage['seconds']:.1f}"
    if stage.get("rows"):
        text += f" ({stage['rows'] / stage['seconds']:,.0f}/s)"
    return text


def _cpu(run: dict) -> str:
    """The run's busy CPU-seconds and how many cores that kept busy on average (its wall
    time): '55.1 (1.72)'; '–' for results measured before the bench took it."""
    if "cpu_seconds" not in run or not run["seconds"]:
        return "–"
    return f"{run['cpu_seconds']:.1f} ({run['cpu_seconds'] / run['seconds']:.2f})"


def table(results: dict) -> str:
    """A Markdown table: one row per scenario, stage seconds with rows per second."""
    head = [
        "scenario",
        "wall s",
        "CPU s (cores busy)",
        "peak RSS MB",
        *(f"{s} s (rows/s)" for s in STAGES),
    ]
    head = [h.replace(" (rows/s)", "") if h.split()[0] in ("tests", "checks") else h for h in head]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, sc in results["scenarios"].items():
        cells = [name, f"{sc['seconds']:.1f}", _cpu(sc), f"{sc['peak_rss_mb']:,.0f}"]
        cells += [_rate(sc["stages"].get(stage)) for stage in STAGES]
        lines.append("| " + " | ".join(cells) + " |")
    for name, floor in floor_runs(results).items():
        lines.append(
            f"| {name} | {floor['seconds']:.1f} | {_cpu(floor)} | {floor['peak_rss_mb']:,.0f} |"
            + " |" * len(STAGES)
        )
    runs = runs_line(results)
    if runs:
        lines += ["", runs]
    lines.append("")
    lines.append("| target | value | limit | met | goal |")
    lines.append("|---|---|---|---|---|")
    for name, v in results["targets"].items():
        met = "yes" if v["met"] else "NO"
        goal = f"≤ {v['goal']}: {'yes' if v['goal_met'] else 'no'}" if "goal" in v else ""
        lines.append(f"| {TARGETS[name][0]} | {v['value']} | ≤ {v['limit']} | {met} | {goal} |")
    return "\n".join(lines)


def runs_line(results: dict) -> str:
    """Every run's wall seconds per scenario, when each was run more than once (the table
    shows the median run: bench/repeats.py); empty otherwise."""
    measured = {**results["scenarios"], **floor_runs(results)}
    samples = {n: sc["samples_seconds"] for n, sc in measured.items() if "samples_seconds" in sc}
    if not samples or max(len(s) for s in samples.values()) < 2:
        return ""
    listed = "; ".join(f"{n} {', '.join(f'{x:.1f}' for x in s)}" for n, s in samples.items())
    return f"Median of {results.get('repeat', '?')} runs each; every run's wall s: {listed}."


def floor_runs(results: dict) -> dict[str, dict]:
    """The floor script's figures by the runs they were taken beside."""
    if "floor_beside_nights" not in results:
        return {"floor script": results["floor"]}
    return {
        "floor script, beside the full runs": results["floor"],
        "floor script, beside the nights": results["floor_beside_nights"],
    }


def machine_line(m: dict) -> str:
    return (
        f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, {m['os']}; "
        f"Python {m['python']}, DuckDB {m['duckdb']}, Dagster {m['dagster']}, "
        f"dbt-core {m['dbt-core']}"
    )


def replace_block(text: str, name: str, block: str) -> str:
    """Replace what lies between `<!-- name:start -->` and `<!-- name:end -->` in `text`."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"README has no {start} … {end} block")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{block}\n{end}{after}"
