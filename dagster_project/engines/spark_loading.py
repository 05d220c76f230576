"""Raw loading on Spark: log files -> parquet partitions that dbt reads as `raw.<feed>`.

The same rows as the DuckDB loader (raw_loading.py): one per non-empty physical line of
`raw/<feed>/<log date>.jsonl[.gz]`, with file name, 1-based line number, the text (a trailing
CR removed) and whether its bytes were valid UTF-8 (invalid bytes replaced by U+FFFD).

Each feed is written under `<raw dir>/<feed>/log_date=YYYY-MM-DD/` with Spark's dynamic
partition overwrite, so (re)loading a log date replaces that partition as a whole and leaves
the others alone; a log date whose file is gone (or has no line) has its directory removed.
dbt's on-run-start hook (dbt/macros/cross_db/raw_tables.sql) registers `raw.<feed>` over these
directories. The loader uses Spark without a metastore (in-memory catalog): a local Derby
metastore can be open in one process only, and dbt's `session` target opens it next.

Bookkeeping (`<spark dir>/file_loads.json`, the counterpart of `raw._file_loads`): each
feed/log date's file version (core.fingerprints.FileVersion: content hash and the stat it was
hashed at; a file with the same content is skipped) and row count, and whether dbt has
transformed the log date since it was loaded. Reading and fingerprinting are the DuckDB
loader's own functions.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from dagster_project.core.feeds import FEEDS
from dagster_project.core.fingerprints import FileVersion, current_version
from dagster_project.core.log_lines import LineBatch, read_log_file
from dagster_project.defs.ingest.pending_work import LoadState, state_from_rows
from dagster_project.defs.ingest.raw_loading import LoadResult

from .spark_dirs import SPARK_MASTER_ENV, SparkDirs

_session = None


def spark_session():
    """The loader's SparkSession (created on first use, local[2] unless $PARTNER_SPARK_MASTER)."""
    global _session
    if _session is None:
        from pyspark.sql import SparkSession

        master = os.environ.get(SPARK_MASTER_ENV) or "local[2]"
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        _session = (
            SparkSession.builder.appName("partner-commissions-raw-loader")
            .master(master)
            .config("spark.sql.catalogImplementation", "in-memory")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        _session.sparkContext.setLogLevel("ERROR")
    return _session


def stop_spark_session() -> None:
    global _session
    if _session is not None:
        _session.stop()
        _session = None


@dataclass
class FileLoads:
    """`file_loads.json`: {"<feed>/<YYYY-MM-DD>": {file_name, size_bytes, mtime_ns, rows,
    transformed}}; written atomically."""

    path: Path
    entries: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> FileLoads:
        entries = json.loads(path.read_text()) if path.exists() else {}
        return cls(path, entries)

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.entries, indent=1, sort_keys=True))
        os.replace(tmp, self.path)

    def pending_log_dates(self) -> list[str]:
        return sorted({k.split("/")[1] for k, v in self.entries.items() if not v["transformed"]})

    def claim(self, run_id: str) -> list[str]:
        """Mark the untransformed loads as claimed by a transform run; their log dates."""
        for value in self.entries.values():
            if not value["transformed"]:
                value["claim"] = run_id
        return self.pending_log_dates()

    def mark_claimed_transformed(self, run_id: str) -> None:
        """Only the loads the run claimed: a reload since then has no claim."""
        for value in self.entries.values():
            if value.pop("claim", None) == run_id:
                value["transformed"] = True

    def state(self) -> LoadState:
        rows = []
        for key, v in self.entries.items():
            feed, day = key.split("/")
            fields = ("file_name", "content_hash", "size", "mtime_ns", "ctime_ns", "inode")
            rows.append((feed, day, *(v.get(k) for k in fields), v["transformed"]))
        return state_from_rows(rows)

    def mark_transformed(self, log_dates: list[str]) -> None:
        wanted = set(log_dates)
        for key, value in self.entries.items():
            if key.split("/")[1] in wanted:
                value["transformed"] = True


def read_file(path: Path) -> tuple[list[tuple[str, int, str, bool, bool]], FileVersion]:
    """(file_name, line_number, raw_line, is_valid_utf8, is_truncated) of each non-empty
    physical line, and the version read (the same batches as the DuckDB loader)."""
    rows = []

    def add(batch: LineBatch) -> None:
        bad, cut = set(batch.invalid), set(batch.truncated)
        for position, line in enumerate(batch.text.split("\n"), start=1):
            if line.endswith("\r"):
                line = line[:-1]
            if line:
                number = batch.first_line + position - 1
                rows.append((path.name, number, line, position not in bad, position in cut))

    return rows, read_log_file(path, add)


def file_rows(path: Path) -> list[tuple[str, int, str, bool, bool]]:
    return read_file(path)[0]


def _delete_path(spark, location: str) -> None:
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(location)
    fs = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if fs.exists(hadoop_path):
        fs.delete(hadoop_path, True)


def load_feed(
    dirs: SparkDirs,
    feed: str,
    files: dict[date, list[Path]],
    *,
    force: bool = False,
) -> list[LoadResult]:
    """Load the given log dates of one feed (each with its file, or none); one Spark job."""
    if feed not in FEEDS:
        raise ValueError(f"unknown feed {feed!r}")
    loads = FileLoads.read(dirs.file_loads)
    results: list[LoadResult] = []
    rows: list[tuple] = []
    changed: dict[str, tuple[FileVersion | None, int]] = {}
    for log_date, paths in sorted(files.items()):
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            raise ValueError(f"{feed} has two files for log date {log_date}: {names}; keep one")
        path = paths[0] if paths else None
        file_name = path.name if path else None
        key = f"{feed}/{log_date.isoformat()}"
        previous = loads.entries.get(key)
        if path is None and (previous is None or previous["file_name"] is None):
            results.append(LoadResult(feed, log_date, None, 0, skipped=True))
            continue
        known = _version(previous)
        if not force and path is not None and known is not None:
            now = current_version(path, known)
            if now.identity == known.identity:
                previous.update(_version_fields(now))
                results.append(LoadResult(feed, log_date, file_name, previous["rows"], True))
                continue
        lines, version = read_file(path) if path else ([], None)
        rows.extend((*line, log_date) for line in lines)
        changed[key] = (version, len(lines))
        results.append(LoadResult(feed, log_date, file_name, len(lines), skipped=False))

    if changed:
        spark = spark_session()
        feed_location = f"{dirs.raw.rstrip('/')}/{feed}"
        # Every changed log date's directory goes first: a date with no row is not written
        # by the overwrite below and must not keep its old rows.
        for key in changed:
            _delete_path(spark, f"{feed_location}/log_date={key.split('/')[1]}")
        if rows:
            from pyspark.sql.types import (
                BooleanType,
                DateType,
                LongType,
                StringType,
                StructField,
                StructType,
            )

            schema = StructType(
                [
                    StructField("file_name", StringType(), False),
                    StructField("line_number", LongType(), False),
                    StructField("raw_line", StringType(), False),
                    StructField("is_valid_utf8", BooleanType(), False),
                    StructField("is_truncated", BooleanType(), False),
                    StructField("log_date", DateType(), False),
                ]
            )
            frame = spark.createDataFrame(rows, schema)
            (
                frame.repartition("log_date")
                .write.mode("overwrite")
                .option("partitionOverwriteMode", "dynamic")
                .partitionBy("log_date")
                .parquet(feed_location)
            )
        for key, (version, count) in changed.items():
            loads.entries[key] = {**_version_fields(version), "rows": count, "transformed": False}
    loads.write()
    return results


def _version_fields(version: FileVersion | None) -> dict:
    if version is None:
        return {"file_name": None}
    return asdict(version)


def _version(entry: dict | None) -> FileVersion | None:
    if not entry or not entry.get("file_name") or "content_hash" not in entry:
        return None  # nothing loaded, a file that is gone, or bookkeeping from before hashes
    return FileVersion(**{k: entry[k] for k in FileVersion.__dataclass_fields__})


def pending_log_dates(dirs: SparkDirs) -> list[str]:
    """Log dates loaded (or reloaded) since dbt last transformed them."""
    return FileLoads.read(dirs.file_loads).pending_log_dates()


def mark_transformed(dirs: SparkDirs, log_dates: list[str]) -> None:
    loads = FileLoads.read(dirs.file_loads)
    loads.mark_transformed(log_dates)
    loads.write()
