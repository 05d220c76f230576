"""The benchmark's floor: `fct_commissions` by one hand-written DuckDB script (floor.sql).

The script reads the raw JSONL logs directly (no orchestration, no dbt, no layers, no audit
tables), so its time is a floor the pipeline's time can be reported against. It must agree
with the pipeline's `marts.fct_commissions` row for row; `compare_with_marts` checks that.

    .venv/bin/python bench/floor.py --data-dir DIR [--memory-limit 1GB] [--temp-dir PATH]
        [--threads N] [--json PATH]

runs the floor on DIR/raw, prints its seconds and rows and, when DIR/marts.duckdb exists,
the comparison with the pipeline's mart; exit status 1 when they disagree. --json writes the
same figures to PATH: {"seconds", "rows", "comparison" (null without marts), "agrees"}.
Without --temp-dir DuckDB spills (if it must) into ./.tmp.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
FLOOR_SQL = HERE / "floor.sql"
RATES_CSV = HERE.parent / "dbt" / "seeds" / "commission_rates.csv"
COLUMNS = (
    "sale_id, sale_type, sold_at, customer_id, partner_id, tier, source_partner_id,"
    " amount_usd, rate, commission_usd, payable_on, status, charge_sale_id"
)


def run_floor(
    raw_dir: Path,
    *,
    database: str = ":memory:",
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    threads: int | None = None,
) -> tuple[duckdb.DuckDBPyConnection, float]:
    """Run floor.sql over `raw_dir`; return the open connection (holding table
    `floor_commissions`) and the script's wall seconds."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"no raw directory at {raw_dir}")
    con = duckdb.connect(database)
    try:
        con.execute("SET TimeZone = 'UTC'")
        # Settings take bound values; the paths below are variables, never pasted into SQL.
        if memory_limit is not None:
            con.execute("SET memory_limit = ?", [memory_limit])
        if temp_directory is not None:
            con.execute("SET temp_directory = ?", [temp_directory])
        if threads is not None:
            con.execute("SET threads = ?", [threads])
        con.execute("SET VARIABLE raw_dir = ?", [str(raw_dir.resolve())])
        con.execute("SET VARIABLE rates_csv = ?", [str(RATES_CSV)])
        script = FLOOR_SQL.read_text()
        started = time.perf_counter()
        con.execute(script)
        seconds = time.perf_counter() - started
    except BaseException:
        con.close()
        raise
    return con, seconds


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def compare_with_marts(con: duckdb.DuckDBPyConnection, marts_path: Path) -> dict[str, int]:
    """Row counts of `floor_commissions` and the pipeline's `fct_commissions` in `marts_path`
    (opened read-only), and the rows only in one of them (EXCEPT ALL, every column)."""
    marts_path = Path(marts_path)
    if not marts_path.is_file():
        raise FileNotFoundError(f"no marts file at {marts_path}")
    # ATTACH takes no bound parameters: the path is quoted as a literal (quotes doubled).
    con.execute(f"ATTACH {_quote_literal(str(marts_path.resolve()))} AS floor_pipeline (READ_ONLY)")
    try:
        floor_rows, pipeline_rows, only_in_floor, only_in_pipeline = con.execute(
            f"""
            SELECT
                (SELECT count(*) FROM floor_commissions),
                (SELECT count(*) FROM floor_pipeline.fct_commissions),
                (SELECT count(*) FROM (
                    SELECT {COLUMNS} FROM floor_commissions
                    EXCEPT ALL
                    SELECT {COLUMNS} FROM floor_pipeline.fct_commissions)),
                (SELECT count(*) FROM (
                    SELECT {COLUMNS} FROM floor_pipeline.fct_commissions
                    EXCEPT ALL
                    SELECT {COLUMNS} FROM floor_commissions))
            """
        ).fetchone()
    finally:
        con.execute("DETACH floor_pipeline")
    return {
        "floor_rows": floor_rows,
        "pipeline_rows": pipeline_rows,
        "only_in_floor": only_in_floor,
        "only_in_pipeline": only_in_pipeline,
    }


def agrees(result: dict[str, int]) -> bool:
    return (
        result["only_in_floor"] == 0
        and result["only_in_pipeline"] == 0
        and result["floor_rows"] == result["pipeline_rows"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/floor.py", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data-dir", type=Path, required=True, help="holds raw/ (and marts.duckdb)"
    )
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 1GB")
    parser.add_argument("--temp-dir", default=None, help="DuckDB temp_directory (spilling)")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    con, seconds = run_floor(
        args.data_dir / "raw",
        memory_limit=args.memory_limit,
        temp_directory=args.temp_dir,
        threads=args.threads,
    )
    with con:
        rows = con.execute("SELECT count(*) FROM floor_commissions").fetchone()[0]
        print(f"floor: {seconds:.2f}s, {rows:,} rows in floor_commissions")
        marts = args.data_dir / "marts.duckdb"
        result = compare_with_marts(con, marts) if marts.is_file() else None
    if args.json is not None:
        figures = {
            "seconds": round(seconds, 3),
            "rows": rows,
            "comparison": result,
            "agrees": None if result is None else agrees(result),
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    if result is None:
        print(f"floor: no {marts}, nothing to compare with")
        return 0
    print(
        "compare with {}: floor_rows={floor_rows:,} pipeline_rows={pipeline_rows:,}"
        " only_in_floor={only_in_floor:,} only_in_pipeline={only_in_pipeline:,}".format(
            marts, **result
        )
    )
    if not agrees(result):
        print("floor: DISAGREES with the pipeline's fct_commissions", file=sys.stderr)
        return 1
    print("floor: agrees with the pipeline's fct_commissions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
