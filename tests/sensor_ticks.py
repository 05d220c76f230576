"""One tick of the late-file sensor against a real Dagster instance, as the daemon does it:
evaluate the sensor; if it requests a run whose run key is new, execute that `load_logs` run
and, when it succeeds, the `transform` run that `transform_after_load` chains. Run as
`python -m tests.sensor_ticks` with $PARTNER_DATA_DIR and $DAGSTER_HOME set; prints one JSON
line: the requested range (or the skip reason) and each run's success."""

from __future__ import annotations

import json
import os
import sys
import warnings
from contextlib import redirect_stdout
from pathlib import Path


def tick() -> dict:
    import dagster as dg

    warnings.filterwarnings("ignore")
    from dagster_project.core.tags import RANGE_END_TAG, RANGE_START_TAG
    from dagster_project.definitions import defs
    from dagster_project.defs.automation.sensors import late_files_sensor
    from dagster_project.defs.resources import DataDir

    data_dir = Path(os.environ["PARTNER_DATA_DIR"])
    instance = dg.DagsterInstance.get()
    context = dg.build_sensor_context(
        instance=instance, resources={"data_dir": DataDir(path=str(data_dir))}
    )
    result = late_files_sensor(context)
    requests = getattr(result, "run_requests", None) or (
        [result] if isinstance(result, dg.RunRequest) else []
    )
    if not requests:
        return {"skip": getattr(result, "skip_message", str(result))}
    [request] = requests
    out = {"range": [request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]]}
    if instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": request.run_key})):
        return {**out, "skip": "run key already requested"}  # the daemon skips it too
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    with open(os.devnull, "w") as null, redirect_stdout(null):
        load = defs.resolve_job_def("load_logs").execute_in_process(
            instance=instance,
            tags={**request.tags, "dagster/run_key": request.run_key},
            raise_on_error=False,
            run_config=quiet,
        )
        out["load"] = load.success
        if load.success:
            transform = defs.resolve_job_def("transform").execute_in_process(
                instance=instance,
                tags={"load_run_id": load.run_id, "source": "late_files_sensor"},
                raise_on_error=False,
                run_config=quiet,
            )
            out["transform"] = transform.success
    return out


if __name__ == "__main__":
    print(json.dumps(tick()))
    sys.exit(0)
