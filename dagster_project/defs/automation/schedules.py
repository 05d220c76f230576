"""The nightly schedule: at 02:00 UTC, a `load_logs` run over the log dates pending then
(normally yesterday's; also any date a failed night left pending), then everything
downstream: when the load run succeeds, the `transform_after_load` sensor launches the
`transform` run. It decides from the same state as the run command and the late-file sensor
(sensors.pending_request). Ticks happen only while the Dagster daemon runs.
"""

import dagster as dg

from dagster_project.core.tags import NIGHTLY_SOURCE, SOURCE_TAG
from dagster_project.defs.automation.jobs import load_logs_job
from dagster_project.defs.automation.sensors import pending_request
from dagster_project.defs.resources import DataDir

NIGHTLY_CRON = "0 2 * * *"


@dg.schedule(
    name="nightly",
    cron_schedule=NIGHTLY_CRON,
    execution_timezone="UTC",
    job=load_logs_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="02:00 UTC: load the pending log dates (then transform_after_load transforms).",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext, data_dir: DataDir):
    request = pending_request(
        data_dir, f"{NIGHTLY_SOURCE}-{context.scheduled_execution_time:%Y-%m-%d}"
    )
    if isinstance(request, dg.RunRequest):
        return dg.RunRequest(
            run_key=request.run_key, tags={**request.tags, SOURCE_TAG: NIGHTLY_SOURCE}
        )
    return request
