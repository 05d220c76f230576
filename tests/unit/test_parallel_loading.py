"""Two workers load a feed's files: the same rows as one; a bad file loads nothing of itself,
and every file recorded in raw._file_loads is loaded whole."""

import gzip
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from dagster_project.core.log_files import RawFileError
from dagster_project.defs.ingest.parallel_loading import load_in_parallel
from dagster_project.defs.ingest.raw_loading import ensure_raw_schema

FIRST = date(2026, 10, 1)


def write_days(raw: Path, days: int, lines_per_day: int) -> list[tuple[date, list[Path]]]:
    files = []
    for n in range(days):
        day = FIRST + timedelta(days=n)
        path = raw / f"{day.isoformat()}.jsonl"
        path.write_text("".join(f'{{"click_id":"c{n}-{i}"}}\n' for i in range(lines_per_day)))
        files.append((day, [path]))
    return files


def load(con, files) -> list[str]:
    said: list[str] = []
    results = []
    load_in_parallel(con, "clicks", files, False, lambda r: results.append(r) or None, said.append)
    return results


def test_two_workers_load_every_line_of_every_file(tmp_path):
    files = write_days(tmp_path, days=9, lines_per_day=50)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_raw_schema(con)
        results = load(con, files)
        assert sorted(r.log_date for r in results) == [d for d, _ in files]
        assert con.execute(
            "SELECT count(*), count(DISTINCT (log_date, line_number)), min(line_number),"
            " max(line_number) FROM raw.clicks"
        ).fetchone() == (450, 450, 1, 50)
        assert con.execute(
            "SELECT count(*), sum(rows_loaded) FROM raw._file_loads WHERE NOT transformed"
        ).fetchone() == (9, 450)


def test_a_bad_file_loads_nothing_of_itself_and_every_recorded_file_is_whole(tmp_path):
    files = write_days(tmp_path, days=10, lines_per_day=20)
    bad_day = files[7][0]
    bad = tmp_path / f"{bad_day.isoformat()}.jsonl.gz"
    bad.write_bytes(gzip.compress(b'{"click_id":"x"}\n' * 100)[:-12])  # truncated
    files[7] = (bad_day, [bad])
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_raw_schema(con)
        with pytest.raises(RawFileError, match=bad.name):
            load(con, files)
        per_day = dict(
            con.execute("SELECT log_date, count(*) FROM raw.clicks GROUP BY ALL").fetchall()
        )
        recorded = dict(con.execute("SELECT log_date, rows_loaded FROM raw._file_loads").fetchall())
        assert bad_day not in per_day and bad_day not in recorded
        assert per_day == recorded  # each recorded file whole, nothing unrecorded
        assert set(per_day.values()) <= {20}
