"""Raw loading: verbatim, idempotent per partition, plain and gzipped files."""

from __future__ import annotations

import gzip
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.core.feeds import FEEDS
from dagster_project.core.log_files import discover
from dagster_project.core.paths import warehouse_path
from dagster_project.defs.ingest.raw_feeds import raw_feed_assets
from dagster_project.defs.resources import build_resources


def non_empty_lines(path: Path) -> int:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    lines = data.split(b"\n")
    return sum(1 for line in lines if (line[:-1] if line.endswith(b"\r") else line) != b"")


def materialize(data_dir: Path, instance: dg.DagsterInstance, key: str, force: bool = False):
    resources = {k: v for k, v in build_resources(data_dir).items() if k != "dbt"}
    config = {"ops": {f"raw__{feed}": {"config": {"force": force}} for feed in FEEDS}}
    result = dg.materialize(
        raw_feed_assets,
        partition_key=key,
        instance=instance,
        resources=resources,
        run_config=config,
    )
    assert result.success


def raw_counts(data_dir: Path) -> dict[tuple[str, str], int]:
    with duckdb.connect(str(warehouse_path(data_dir)), read_only=True) as con:
        counts = {}
        for feed in FEEDS:
            rows = con.execute(
                f"SELECT strftime(log_date, '%Y-%m-%d'), count(*) FROM raw.{feed} GROUP BY 1"
            ).fetchall()
            counts.update({(feed, d): n for d, n in rows})
        return counts


@pytest.fixture
def small_logs(tmp_path: Path) -> Path:
    from dagster_project.sample import generate

    generate(tmp_path, profile="small", days=4, seed=7)
    # Make sure both formats are present whatever the generator chose: gzip one plain file.
    plain = sorted((tmp_path / "raw" / "sales").glob("*.jsonl"))[0]
    plain.with_name(plain.name + ".gz").write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    return tmp_path


def test_every_non_empty_line_is_loaded_once_plain_and_gzipped(small_logs: Path):
    files = discover(small_logs)
    assert {f.is_gzip for f in files} == {True, False}
    keys = sorted({f.partition_key for f in files})
    instance = dg.DagsterInstance.ephemeral()
    for key in keys:
        materialize(small_logs, instance, key)
    expected = {(f.feed, f.partition_key): non_empty_lines(f.path) for f in files}
    expected = {k: n for k, n in expected.items() if n}
    assert raw_counts(small_logs) == expected

    # Loading one partition again, forced or not, doubles nothing.
    materialize(small_logs, instance, keys[-1])
    materialize(small_logs, instance, keys[-1], force=True)
    assert raw_counts(small_logs) == expected


def test_lines_are_verbatim_with_file_and_line_number(tmp_path: Path):
    feed_dir = tmp_path / "raw" / "clicks"
    feed_dir.mkdir(parents=True)
    body = b'{"click_id":"a"}\r\n\n  \n{"click_id":"\xff"}\nnot json'
    (feed_dir / "2026-03-01.jsonl.gz").write_bytes(gzip.compress(body))
    instance = dg.DagsterInstance.ephemeral()
    materialize(tmp_path, instance, "2026-03-01")
    with duckdb.connect(str(warehouse_path(tmp_path)), read_only=True) as con:
        rows = con.execute(
            "SELECT file_name, line_number, raw_line, is_valid_utf8 FROM raw.clicks ORDER BY 2"
        ).fetchall()
    assert rows == [
        ("2026-03-01.jsonl.gz", 1, '{"click_id":"a"}', True),
        ("2026-03-01.jsonl.gz", 3, "  ", True),
        ("2026-03-01.jsonl.gz", 4, '{"click_id":"\ufffd"}', False),
        ("2026-03-01.jsonl.gz", 5, "not json", True),
    ]


def test_a_changed_file_replaces_its_partition(tmp_path: Path):
    feed_dir = tmp_path / "raw" / "sales"
    feed_dir.mkdir(parents=True)
    path = feed_dir / "2026-03-01.jsonl"
    path.write_text("a\nb\nc\n")
    instance = dg.DagsterInstance.ephemeral()
    materialize(tmp_path, instance, "2026-03-01")
    assert raw_counts(tmp_path)[("sales", "2026-03-01")] == 3
    path.write_text("a\nb\n")
    materialize(tmp_path, instance, "2026-03-01")
    assert raw_counts(tmp_path)[("sales", "2026-03-01")] == 2
