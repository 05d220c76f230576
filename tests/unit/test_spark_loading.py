"""The Spark raw loader's rows and bookkeeping (no Spark needed: the parts in Python)."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.ingest.raw_loading import ensure_raw_schema, load_partition
from dagster_project.engines import Engine, spark_dirs
from dagster_project.engines.spark_loading import FileLoads, file_rows

LINES = (
    b'{"a": 1}\r\n'  # CRLF: the CR is not part of the line
    b"\n"  # empty: no row
    b'{"b": "caf\xe9"}\n'  # Latin-1 byte: kept with U+FFFD, flagged
    b"   \n"  # blanks are a line (staging rejects it)
    b'{"c": 3}'  # no final newline
)


@pytest.mark.parametrize("gz", [False, True])
def test_file_rows_are_the_duckdb_loaders_rows(tmp_path: Path, gz: bool):
    path = tmp_path / ("2026-01-31.jsonl.gz" if gz else "2026-01-31.jsonl")
    path.write_bytes(gzip.compress(LINES) if gz else LINES)
    with duckdb.connect() as con:
        ensure_raw_schema(con)
        load_partition(con, "clicks", date(2026, 1, 31), [path])
        expected = con.execute(
            "SELECT file_name, line_number, raw_line, is_valid_utf8, is_truncated FROM raw.clicks"
            " ORDER BY line_number"
        ).fetchall()
    assert file_rows(path) == expected
    assert [r[1] for r in expected] == [1, 3, 4, 5]
    assert [r[3] for r in expected] == [True, False, True, True]


def test_file_loads_pending_and_transformed(tmp_path: Path):
    loads = FileLoads(tmp_path / "file_loads.json")
    entry = {"file_name": "f", "size_bytes": 1, "mtime_ns": 1, "rows": 1}
    loads.entries["clicks/2026-01-01"] = {**entry, "transformed": False}
    loads.entries["sales/2026-01-02"] = {**entry, "transformed": False}
    loads.entries["sales/2026-01-03"] = {**entry, "transformed": True}
    loads.write()
    again = FileLoads.read(loads.path)
    assert again.pending_log_dates() == ["2026-01-01", "2026-01-02"]
    again.mark_transformed(["2026-01-01"])
    again.write()
    assert FileLoads.read(loads.path).pending_log_dates() == ["2026-01-02"]


def test_engine_setting(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("PARTNER_ENGINE", raising=False)
    assert Engine.from_env().dbt_target == "duckdb"
    monkeypatch.setenv("PARTNER_ENGINE", "spark")
    monkeypatch.delenv("PARTNER_SPARK_TARGET", raising=False)
    assert Engine.from_env().is_spark and Engine.from_env().dbt_target == "spark"
    monkeypatch.setenv("PARTNER_ENGINE", "oracle")
    with pytest.raises(ValueError, match="PARTNER_ENGINE"):
        Engine.from_env()
    monkeypatch.delenv("PARTNER_SPARK_RAW_DIR", raising=False)
    dirs = spark_dirs(tmp_path)
    assert dirs.raw == str(tmp_path.resolve() / "spark" / "raw")
    assert dirs.env()["PARTNER_SPARK_DIR"] == str(tmp_path.resolve() / "spark")
