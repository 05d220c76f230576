"""When each dbt node of a run ran: `python -m bench.timeline <data dir>` (the latest
transform run there; `--run-id` for another).

Dagster records each model's materialization and each data test's check evaluation when dbt
reports the node done, with dbt's `Execution Duration`: the node ran from that moment minus
its duration to that moment. Printed: one line per node in the order they started (seconds
since the dbt step started, a bar), then the nodes' span (first start to last end), their
thread-seconds (the sum of the durations) and the parallelism dbt kept up over the span
(thread-seconds / span; at most its thread count, 2). A night near 2 is bound by the work its
nodes do, not by their order; well under 2, by a chain of nodes the others wait for.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from dagster_project.cli.instance import open_instance

from .stages import dbt_nodes


@dataclass(frozen=True)
class Span:
    name: str  # the asset key's last part; a data test's ends in "?"
    start: float  # seconds since the dbt step started
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


def summary(spans: list[Span]) -> dict[str, float]:
    """Span (first start to last end), thread-seconds and their ratio (parallelism)."""
    if not spans:
        return {"span": 0.0, "thread_seconds": 0.0, "parallelism": 0.0}
    span = max(s.end for s in spans) - min(s.start for s in spans)
    busy = sum(s.seconds for s in spans)
    return {
        "span": round(span, 2),
        "thread_seconds": round(busy, 2),
        "parallelism": round(busy / span, 2) if span > 0 else 0.0,
    }


def lines(spans: list[Span], per_second: int = 10) -> list[str]:
    """One line per node in start order: start, end, seconds, a bar, the node."""
    out = []
    for s in sorted(spans, key=lambda s: (s.start, s.name)):
        bar = " " * int(s.start * per_second) + "=" * max(1, round(s.seconds * per_second))
        out.append(f"{s.start:6.2f} {s.end:6.2f} {s.seconds:5.2f} {bar} {s.name}")
    return out


def node_spans(dagster_home: Path, run_id: str | None = None) -> tuple[str, list[Span]]:
    """The run's id and its dbt nodes' spans (the latest `transform` run without `run_id`)."""
    import dagster as dg

    with open_instance(dagster_home) as instance:
        if run_id is None:
            runs = instance.get_runs(filters=dg.RunsFilter(job_name="transform"), limit=1)
            if not runs:
                raise SystemExit(f"no transform run in {dagster_home}")
            run_id = runs[0].run_id
        started = [
            step.start_time
            for step in instance.get_run_step_stats(run_id)
            if step.step_key == "dbt_models" and step.start_time
        ]
        if not started:
            raise SystemExit(f"run {run_id} has no dbt step")
        spans = []
        for recorded, key, is_check, seconds in dbt_nodes(instance, run_id):
            end = recorded - started[0]
            spans.append(Span(key[-1] + ("?" if is_check else ""), end - seconds, end))
    return run_id, spans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.timeline", description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--run-id", default=None)
    args = parser.parse_args(argv)
    run_id, spans = node_spans(args.data_dir / ".dagster", args.run_id)
    print(f"run {run_id}: {len(spans)} dbt nodes")
    print("\n".join(lines(spans)))
    figures = summary(spans)
    print(
        f"span {figures['span']} s, {figures['thread_seconds']} thread-s, "
        f"parallelism {figures['parallelism']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
