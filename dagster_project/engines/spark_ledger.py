"""The payout ledger on Spark: the rows ledger_loading.py loads into DuckDB, written as parquet
under `<spark raw dir>/ledger` and `<spark raw dir>/ledger_files` (dbt registers them)."""

from __future__ import annotations

from pathlib import Path

from dagster_project.defs.ingest.ledger_loading import read_ledger

from .spark_loading import spark_session


def load_ledger_on_spark(raw_location: str, data_dir: Path) -> tuple[int, int]:
    """The same rows as parquet under `<raw location>/ledger` and `/ledger_files`, each
    directory replaced as a whole (an empty ledger writes empty tables)."""
    from pyspark.sql.types import (
        BooleanType,
        DateType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    files = read_ledger(data_dir)
    line_rows = [(f.period, f.file_name, *row) for f in files for row in f.rows()]
    file_rows = [(f.period, f.file_name, len(f.rows()), f.sha256) for f in files]
    spark = spark_session()
    lines_schema = StructType(
        [
            StructField("period", DateType(), False),
            StructField("file_name", StringType(), False),
            StructField("line_number", LongType(), False),
            StructField("raw_line", StringType(), False),
            StructField("is_valid_utf8", BooleanType(), False),
        ]
    )
    files_schema = StructType(
        [
            StructField("period", DateType(), False),
            StructField("file_name", StringType(), False),
            StructField("line_count", LongType(), False),
            StructField("sha256", StringType(), False),
        ]
    )
    base = raw_location.rstrip("/")
    for rows, schema, name in (
        (line_rows, lines_schema, "ledger"),
        (file_rows, files_schema, "ledger_files"),
    ):
        frame = spark.createDataFrame(rows, schema).coalesce(1)
        frame.write.mode("overwrite").parquet(f"{base}/{name}")
    return len(files), len(line_rows)
