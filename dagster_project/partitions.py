"""Log dates are the partitions: dynamic, because a file may arrive for any date."""

import dagster as dg

LOG_DATE_PARTITIONS_NAME = "log_date"

log_date_partitions = dg.DynamicPartitionsDefinition(name=LOG_DATE_PARTITIONS_NAME)

# Every asset that writes warehouse.duckdb runs in this pool; its limit is 1 (dagster.yaml),
# because DuckDB allows one writer process and no other process may open the file meanwhile.
WAREHOUSE_POOL = "warehouse"
