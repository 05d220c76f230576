from datetime import date

import pytest

from dagster_project.core.log_files import LogFileError, discover, log_dates, parse_log_date


def test_parse_log_date_accepts_plain_and_gzip():
    assert parse_log_date("2026-01-31.jsonl") == date(2026, 1, 31)
    assert parse_log_date("2024-02-29.jsonl.gz") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "name",
    [
        "2026-02-30.jsonl",
        "2026-1-31.jsonl",
        "2026-01-31.json",
        "clicks.jsonl",
        "2026-01-31.jsonl.zip",
    ],
)
def test_parse_log_date_rejects_and_names_the_file(name):
    with pytest.raises(LogFileError, match=name.replace(".", r"\.")):
        parse_log_date(name)


def test_discover_sorts_and_refuses_duplicates(tmp_path):
    (tmp_path / "raw" / "sales").mkdir(parents=True)
    (tmp_path / "raw" / "clicks").mkdir(parents=True)
    (tmp_path / "raw" / "sales" / "2026-01-02.jsonl").write_text("{}\n")
    (tmp_path / "raw" / "clicks" / "2025-01-01.jsonl.gz").write_bytes(b"")
    files = discover(tmp_path)
    assert [(f.feed, f.partition_key) for f in files] == [
        ("clicks", "2025-01-01"),
        ("sales", "2026-01-02"),
    ]
    assert log_dates(files) == ["2025-01-01", "2026-01-02"]
    (tmp_path / "raw" / "sales" / "2026-01-02.jsonl.gz").write_bytes(b"")
    with pytest.raises(LogFileError, match="two files for log date 2026-01-02"):
        discover(tmp_path)


def test_discover_refuses_unknown_feed_folder(tmp_path):
    (tmp_path / "raw" / "orders").mkdir(parents=True)
    with pytest.raises(LogFileError, match="orders"):
        discover(tmp_path)
