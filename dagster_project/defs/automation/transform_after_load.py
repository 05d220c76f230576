"""The chain the daemon runs: after every successful `load_logs` run, one `transform` run.

The nightly schedule and the late-file sensor launch `load_logs` (per log date); this sensor
sees the load run succeed and requests the unpartitioned `transform` run (dbt build with its
tests, the checks, publishing). The run key is the load run's id, so each load run gets
exactly one transform run. A failed load run gets none: what it did load stays pending (not
yet transformed) for the next transform run or the run command; the file that failed, once
replaced, is loaded again by the late-file sensor. The transform waits in the queue while
another run holds the warehouse pool. The run command runs both jobs itself, in-process, so
its load runs are not chained here.
"""

import dagster as dg

from dagster_project.core.tags import LOAD_RUN_ID_TAG, RUN_COMMAND_SOURCE, SOURCE_TAG
from dagster_project.defs.automation.jobs import load_logs_job, transform_job
from dagster_project.defs.automation.sensors import sensor_interval_seconds


@dg.run_status_sensor(
    name="transform_after_load",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[load_logs_job],
    request_job=transform_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    # Dagster's 30 s, or as often as the late-file sensor when that is set shorter
    # ($PARTNER_SENSOR_INTERVAL_SECONDS)
    minimum_interval_seconds=min(30, sensor_interval_seconds()),
    description="After each successful load_logs run: dbt build, checks and publishing.",
)
def transform_after_load(context: dg.RunStatusSensorContext):
    load_run = context.dagster_run
    source = load_run.tags.get(SOURCE_TAG)
    if source == RUN_COMMAND_SOURCE:
        return dg.SkipReason(f"load run {load_run.run_id} is the run command's; it transforms")
    tags = {LOAD_RUN_ID_TAG: load_run.run_id}
    if source:
        tags[SOURCE_TAG] = source
    return dg.RunRequest(run_key=load_run.run_id, tags=tags)
