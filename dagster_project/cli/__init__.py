"""Command line: `python -m dagster_project run|close-month|report|generate ...`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dagster_project.core.paths import DEFAULT_DATA_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="load every log date, build the marts, publish them")
    run.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every dbt model from all raw data (after a rule or seed change)",
    )
    run.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default=None,
        help="warehouse engine (default: $PARTNER_ENGINE, else duckdb); spark needs .[spark]",
    )

    close = sub.add_parser(
        "close-month", help="process new logs, then close a period: ledger, payouts CSV, marts"
    )
    close.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    close.add_argument("month", help="the period to close, YYYY-MM")

    gen = sub.add_parser("generate", help="write deterministic sample logs")
    gen.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    gen.add_argument("--profile", choices=["small", "bench", "bench4x"], default="small")
    gen.add_argument("--days", type=int, default=None)
    gen.add_argument("--seed", type=int, default=42)

    report = sub.add_parser("report", help="write DIR/report.html from the published marts")
    report.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)

    args = parser.parse_args(argv)
    if args.command == "report":
        from .report import write_report

        try:
            path = write_report(args.data_dir)
        except FileNotFoundError as exc:
            print(f"report failed: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {path}")
        return 0
    if args.command == "generate":
        from dagster_project.sample import generate

        try:
            summary = generate(args.data_dir, profile=args.profile, days=args.days, seed=args.seed)
        except FileExistsError as exc:
            print(f"generate refused: {exc}", file=sys.stderr)
            return 1
        total = summary["total"]
        print(
            f"wrote {total['files']:,} files, {total['lines']:,} lines, {total['bytes']:,} bytes"
            f" to {args.data_dir / 'raw'} in {summary['seconds']:.1f}s"
        )
        return 0

    if args.command == "close-month":
        from .close_month import run_close_month

        return run_close_month(args.data_dir, args.month)

    if args.engine:
        from dagster_project.engines import ENGINE_ENV

        os.environ[ENGINE_ENV] = args.engine  # read by the `engine` resource
        if args.engine == "spark":
            from dagster_project.engines import spark_dbt_target

            os.environ.setdefault("DBT_TARGET", spark_dbt_target())  # the manifest's target too
    from .run import RunError, run_pipeline

    try:
        lines = run_pipeline(args.data_dir, full_refresh=args.full_refresh)
    except RunError as exc:
        print(f"run failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback: one line, the cause's type and message
        message = " ".join(str(exc).split()) or "no message"
        print(f"run failed: {type(exc).__name__}: {message}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
