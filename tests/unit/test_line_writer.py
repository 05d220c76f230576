"""line_writer.LineWriter, through raw_loading.load_partitions: small files' lines written
several files to a statement, big or flagged batches one to a statement, old rows of a
reloaded log date deleted first. Whatever the thresholds, raw.<feed> must hold exactly the
rows the line-by-line rules give each file (test_log_lines.reference_rows), and each file's
row count must be its rows."""

import random
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from dagster_project.core import log_lines
from dagster_project.defs.ingest import line_writer
from dagster_project.defs.ingest.raw_loading import ensure_raw_schema, load_partitions
from tests.unit.test_log_lines import MAX, PIECES, reference_rows

DAY = date(2026, 3, 1)


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(log_lines, "MAX_LINE_BYTES", MAX)
    monkeypatch.setattr(log_lines, "_CHUNK", 64)
    monkeypatch.setattr(log_lines, "_BATCH", 150)


def rows_of(con, log_date: date) -> list[tuple[int, str, bool, bool]]:
    return con.execute(
        "SELECT line_number, raw_line, is_valid_utf8, coalesce(is_truncated, false)"
        " FROM raw.clicks WHERE log_date = ? ORDER BY line_number",
        [log_date],
    ).fetchall()


@pytest.mark.parametrize(
    "small_bytes, flush_bytes",
    [(1 << 20, 8 << 20), (100, 300), (100, 1), (1, 1)],
    ids=["defaults", "some small, flushed often", "every small one flushed", "none small"],
)
def test_files_of_any_size_give_the_rules_rows(
    tmp_path: Path, monkeypatch, small_limits, small_bytes, flush_bytes
):
    monkeypatch.setattr(line_writer, "_SMALL_BYTES", small_bytes)
    monkeypatch.setattr(line_writer, "_FLUSH_BYTES", flush_bytes)
    rng = random.Random(7)
    days = [DAY + timedelta(days=n) for n in range(40)]
    contents = {}
    for day in days:
        lines = [rng.choice(PIECES) for _ in range(rng.choice([0, 1, 3, 10, 60]))]
        contents[day] = b"\n".join(lines) + rng.choice([b"", b"\n", b"\r\n"])
    paths = {day: tmp_path / f"{day.isoformat()}.jsonl" for day in days}
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_raw_schema(con)
        # every other date loaded once before with other lines: reloading must replace them
        for day in days[::2]:
            paths[day].write_bytes(b"old line\n" * 7)
        list(load_partitions(con, "clicks", [(day, [paths[day]]) for day in days[::2]]))
        for day in days:
            paths[day].write_bytes(contents[day])
        results = list(load_partitions(con, "clicks", [(day, [paths[day]]) for day in days]))

        for day, result in zip(days, results, strict=True):
            expected = reference_rows(contents[day])
            assert rows_of(con, day) == expected, f"{day}: {contents[day]!r}"
            assert result.rows == len(expected)
        recorded = dict(con.execute("SELECT log_date, rows_loaded FROM raw._file_loads").fetchall())
        assert recorded == {day: len(reference_rows(contents[day])) for day in days}


@pytest.mark.parametrize(
    "text, rows",
    [
        (b"", 0),
        (b"a", 1),
        (b"a\n", 1),
        (b"a\nb", 2),
        (b"\n", 0),
        (b"\na\n\n\nb\n\n", 2),
        (b"a\n\nb", 2),
    ],
)
def test_non_empty_lines_counts_the_rows_a_text_becomes(text: bytes, rows: int):
    assert line_writer.non_empty_lines(text) == rows
    assert len([line for line in text.split(b"\n") if line]) == rows


def test_a_date_loaded_twice_in_one_transaction_keeps_the_second_file(tmp_path: Path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_bytes(b"first 1\nfirst 2\n")
    second.write_bytes(b"second\n")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_raw_schema(con)
        list(load_partitions(con, "clicks", [(DAY, [first]), (DAY, [second])]))
        assert rows_of(con, DAY) == [(1, "second", True, False)]
