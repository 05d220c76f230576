"""raw._file_loads after one load transaction over log dates in every state: new, unchanged
but touched, changed, vanished (the loader reads a feed's records once per transaction and
writes the new ones in one statement before it commits)."""

import os
from datetime import date, timedelta
from pathlib import Path

import duckdb

from dagster_project.defs.ingest.raw_loading import ensure_raw_schema, load_partitions

DAY = date(2026, 10, 1)
NEW, TOUCHED, CHANGED, VANISHED = (DAY + timedelta(days=n) for n in range(4))


def records(con) -> dict[date, tuple]:
    rows = con.execute(
        "SELECT log_date, file_name, rows_loaded, transformed, mtime_ns FROM raw._file_loads"
        " WHERE feed = 'sales'"
    ).fetchall()
    return {d: (name, n, done, mtime) for d, name, n, done, mtime in rows}


def lines(con) -> dict[date, list[str]]:
    rows = con.execute(
        "SELECT log_date, list(raw_line ORDER BY line_number) FROM raw.sales GROUP BY 1"
    ).fetchall()
    return dict(rows)


def test_one_transaction_records_new_touched_changed_and_vanished_dates(tmp_path: Path):
    paths = {d: tmp_path / f"{d.isoformat()}.jsonl" for d in (NEW, TOUCHED, CHANGED, VANISHED)}
    for d in (TOUCHED, CHANGED, VANISHED):
        paths[d].write_text(f"{d}-a\n\n{d}-b\n")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_raw_schema(con)
        first = list(load_partitions(con, "sales", [(d, [paths[d]]) for d in sorted(paths)][1:]))
        assert [r.rows for r in first] == [2, 2, 2]  # the empty line is not a row
        con.execute("UPDATE raw._file_loads SET transformed = true")  # published since

        paths[NEW].write_text("new-a\nnew-b\nnew-c\n")
        os.utime(paths[TOUCHED], ns=(1_000_000_000, 1_000_000_000))  # same bytes, new stat
        paths[CHANGED].write_text("changed\n")
        paths[VANISHED].unlink()
        files = [(NEW, [paths[NEW]]), (TOUCHED, [paths[TOUCHED]]), (CHANGED, [paths[CHANGED]])]
        results = list(load_partitions(con, "sales", [*files, (VANISHED, [])]))

        assert [(r.log_date, r.rows, r.skipped) for r in results] == [
            (NEW, 3, False),
            (TOUCHED, 2, True),
            (CHANGED, 1, False),
            (VANISHED, 0, False),
        ]
        assert records(con) == {
            NEW: (paths[NEW].name, 3, False, paths[NEW].stat().st_mtime_ns),
            TOUCHED: (paths[TOUCHED].name, 2, True, 1_000_000_000),  # still transformed
            CHANGED: (paths[CHANGED].name, 1, False, paths[CHANGED].stat().st_mtime_ns),
            VANISHED: (None, 0, False, None),
        }
        assert lines(con) == {
            NEW: ["new-a", "new-b", "new-c"],
            TOUCHED: [f"{TOUCHED}-a", f"{TOUCHED}-b"],
            CHANGED: ["changed"],
        }


def test_a_failed_transaction_records_nothing(tmp_path: Path):
    good = tmp_path / f"{NEW.isoformat()}.jsonl"
    good.write_text("a\n")
    missing = tmp_path / f"{TOUCHED.isoformat()}.jsonl"
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_raw_schema(con)
        try:
            list(load_partitions(con, "sales", [(NEW, [good]), (TOUCHED, [missing])]))
        except Exception as exc:  # noqa: BLE001 - the missing file's error
            assert missing.name in str(exc)
        else:
            raise AssertionError("loading a missing file succeeded")
        assert records(con) == {} and lines(con) == {}
