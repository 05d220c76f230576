"""The Dagster definitions' modules. Every import of dagster-dbt in the project is in this
package, so importing it first keeps dbt-core out of the process (core/dbt_out_of_process.py:
the run command, the runs the daemon launches, the tests), except under `dagster dev`."""

import os

from dagster_project.core.dbt_out_of_process import keep_dbt_out_of_this_process

if not os.environ.get("DAGSTER_IS_DEV_CLI"):
    keep_dbt_out_of_this_process()
