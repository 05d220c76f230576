"""core/dbt_out_of_process.py: blocking dbt-core changes nothing in a process that imported it
already. (That the definitions built without dbt-core equal those built with it needs dbt's
manifest: tests/integration/test_definitions_without_dbt.py.)"""

import subprocess
import sys


def test_blocking_dbt_changes_nothing_once_dbt_is_imported():
    script = (
        "import sys, dagster_dbt\n"
        "from dagster_project.core.dbt_out_of_process import keep_dbt_out_of_this_process\n"
        "assert keep_dbt_out_of_this_process() is False\n"
        "import dbt.version\n"
    )
    subprocess.run([sys.executable, "-W", "ignore", "-c", script], check=True)
