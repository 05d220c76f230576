"""One asset per feed, partitioned by log date: raw lines loaded verbatim into `raw.<feed>`."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.core.feeds import FEEDS
from dagster_project.defs.ingest.partitions import WAREHOUSE_POOL, log_date_partitions
from dagster_project.defs.progress import report
from dagster_project.defs.resources import DataDir
from dagster_project.engines import Engine


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
        metadata = engine.open(data_dir.root, warehouse).load_feed(
            feed, keys, config.force, lambda message: report(context, message)
        )
        return dg.MaterializeResult(metadata=metadata)

    return _raw_feed


raw_feed_assets = [build_raw_feed_asset(feed) for feed in FEEDS]
