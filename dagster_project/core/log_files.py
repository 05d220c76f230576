"""Discovery of raw log files: `<data dir>/raw/<feed>/<YYYY-MM-DD>.jsonl[.gz]` (SPEC §2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .feeds import FEEDS
from .paths import raw_dir

_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.jsonl(\.gz)?$")


class LogFileError(ValueError):
    """A file in the raw layout that cannot be processed; the message names it."""


class RawFileError(RuntimeError):
    """A log file that cannot be read whole; the message names it."""


@dataclass(frozen=True)
class LogFile:
    feed: str
    log_date: date
    path: Path

    @property
    def partition_key(self) -> str:
        return self.log_date.isoformat()

    @property
    def is_gzip(self) -> bool:
        return self.path.name.endswith(".gz")


def parse_log_date(file_name: str) -> date:
    """The log date in a file name, or LogFileError naming the file."""
    match = _NAME.match(file_name)
    if match:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            pass
    raise LogFileError(
        f"invalid log file name {file_name!r}: expected YYYY-MM-DD.jsonl or YYYY-MM-DD.jsonl.gz "
        "with a real calendar date"
    )


def discover(data_dir: Path) -> list[LogFile]:
    """Every log file under `<data dir>/raw`, sorted by feed then date.

    Raises LogFileError for a file whose name is not a valid `YYYY-MM-DD.jsonl[.gz]`, for a
    directory that is not a known feed, and for a date delivered both plain and gzipped.
    """
    root = raw_dir(data_dir)
    if not root.is_dir():
        return []
    found: list[LogFile] = []
    for feed_dir in sorted(root.iterdir()):
        if feed_dir.name.startswith("."):
            continue
        if not feed_dir.is_dir() or feed_dir.name not in FEEDS:
            raise LogFileError(
                f"unexpected entry {feed_dir}: raw/ holds only the feed folders {', '.join(FEEDS)}"
            )
        seen: dict[date, Path] = {}
        for path in sorted(feed_dir.iterdir()):
            if path.name.startswith("."):
                continue
            log_date = parse_log_date(path.name)
            if log_date in seen:
                raise LogFileError(
                    f"{feed_dir.name} has two files for log date {log_date}: "
                    f"{seen[log_date].name} and {path.name}; keep one"
                )
            seen[log_date] = path
            found.append(LogFile(feed_dir.name, log_date, path))
    return found


def files_for(data_dir: Path, feed: str, partition_key: str) -> list[Path]:
    """The file(s) of one feed and log date (normally zero or one)."""
    feed_dir = raw_dir(data_dir) / feed
    return [
        p
        for p in (feed_dir / f"{partition_key}.jsonl", feed_dir / f"{partition_key}.jsonl.gz")
        if p.is_file()
    ]


def log_dates(files: list[LogFile]) -> list[str]:
    """Sorted distinct partition keys of the files."""
    return sorted({f.partition_key for f in files})
