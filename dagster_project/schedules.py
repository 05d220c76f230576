"""The nightly schedule: at 02:00 UTC, yesterday's log date, then everything downstream.

Each tick requests the `load_logs` partition of the day that just ended (the 2026-11-02 02:00
tick loads log date 2026-11-01). When that run succeeds, the `transform_after_load` sensor
launches the `transform` run: the dbt build (which transforms every log date loaded since the
last published run), the checks, and publishing. Ticks happen only while the Dagster daemon
runs (README "Operating it").
"""

from datetime import timedelta

import dagster as dg

from .jobs import load_logs_job

NIGHTLY_CRON = "0 2 * * *"


@dg.schedule(
    name="nightly",
    cron_schedule=NIGHTLY_CRON,
    execution_timezone="UTC",
    job=load_logs_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="02:00 UTC: load yesterday's log date (then transform_after_load transforms).",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    yesterday = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    return dg.RunRequest(
        run_key=f"nightly-{yesterday}", partition_key=yesterday, tags={"source": "nightly"}
    )
