"""One asset per feed, partitioned by log date: raw lines loaded verbatim into `raw.<feed>`."""

from datetime import date

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.core.feeds import FEEDS
from dagster_project.core.log_files import files_for

from .. import spark_loading
from ..engines import Engine, spark_dirs
from ..load_state import refresh_state_copy
from ..partitions import WAREHOUSE_POOL, log_date_partitions
from ..progress import report
from ..raw_loading import ensure_raw_schema, load_partition
from ..resources import DataDir


class RawLoadConfig(dg.Config):
    force: bool = False  # reload even files whose content is unchanged (--full-refresh)


def build_raw_feed_asset(feed: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=feed,
        key_prefix="raw",
        group_name="raw",
        partitions_def=log_date_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
        kinds={"duckdb"},
        description=(
            f"Raw `{feed}` log lines, verbatim: one row per non-empty line of "
            f"raw/{feed}/<log date>.jsonl[.gz] (log date, file, line number, text)."
        ),
    )
    def _raw_feed(
        context: dg.AssetExecutionContext,
        config: RawLoadConfig,
        data_dir: DataDir,
        warehouse: DuckDBResource,
        engine: Engine,
    ) -> dg.MaterializeResult:
        keys = sorted(context.partition_keys)
        if engine.is_spark:
            try:
                return _load_on_spark(context, feed, keys, data_dir, config.force)
            finally:
                refresh_state_copy(None, data_dir.root, engine)
        with warehouse.get_connection() as con:
            ensure_raw_schema(con)
            try:
                counts = _load_keys(context, con, feed, keys, data_dir, config.force)
            finally:  # also after a failed file: what was committed before it is recorded
                refresh_state_copy(con, data_dir.root, engine)
        return dg.MaterializeResult(metadata=counts)

    return _raw_feed


def _load_keys(context, con, feed: str, keys: list[str], data_dir: DataDir, force: bool) -> dict:
    loaded = skipped = absent = rows = 0
    for done, key in enumerate(keys, start=1):
        paths = files_for(data_dir.root, feed, key)
        result = load_partition(con, feed, date.fromisoformat(key), paths, force=force)
        if result.file_name is None:
            absent += 1  # no file for this feed and date
        elif result.skipped:
            skipped += 1
        else:
            loaded += 1
            rows += result.rows
        if done == len(keys) or done % 25 == 0:
            report(
                context,
                f"[load {feed}] {done}/{len(keys)} log dates, {rows:,} rows loaded"
                f" ({skipped} unchanged, {absent} without a file)",
            )
    return {
        "partitions_loaded": loaded,
        "partitions_unchanged": skipped,
        "partitions_without_file": absent,
        "rows_loaded": rows,
    }


def _load_on_spark(
    context: dg.AssetExecutionContext, feed: str, keys: list[str], data_dir: DataDir, force: bool
) -> dg.MaterializeResult:
    """Engine `spark`: the same lines as parquet partitions (spark_loading.py)."""
    files = {date.fromisoformat(k): files_for(data_dir.root, feed, k) for k in keys}
    results = spark_loading.load_feed(spark_dirs(data_dir.root), feed, files, force=force)
    loaded = [r for r in results if not r.skipped]
    rows = sum(r.rows for r in loaded)
    skipped = sum(1 for r in results if r.skipped and r.file_name is not None)
    report(context, f"[load {feed}] spark: {len(loaded)} log dates, {rows:,} rows loaded")
    return dg.MaterializeResult(
        metadata={
            "engine": "spark",
            "partitions_loaded": len(loaded),
            "partitions_unchanged": skipped,
            "partitions_without_file": len(results) - len(loaded) - skipped,
            "rows_loaded": rows,
        }
    )


raw_feed_assets = [build_raw_feed_asset(feed) for feed in FEEDS]
