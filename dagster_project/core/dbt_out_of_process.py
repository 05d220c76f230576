"""Dagster's processes run without dbt-core imported: dbt runs in processes of its own.

The run command and the runs the daemon launches start every dbt command as a process of its
own (`dbt parse`; the build: a child of the warm dbt server, cli/warm_dbt.py, in the run
command) and read only dbt's manifest and its event stream. dagster-dbt imports dbt-core
whenever it is installed (1.0 s of every run: bench/HISTORY.md), for two things this project
does not use: dbt's selection engine (for `@dbt_assets` selecting less than every model) and
an in-process dbt adapter for column metadata and row counts (resources.DbtCli already turns
that off). Without dbt-core, dagster-dbt takes its own path, the one users of the dbt Fusion
engine take: the asset graph, the checks and the jobs are the same
(tests/integration/test_definitions_without_dbt.py compares them).

Applied when the `dagster_project.defs` package is first imported (every import of dagster-dbt
in the project is in it), except under `dagster dev`, whose code server prepares dbt's manifest
through dagster-dbt with dbt-core in process (DbtProject.prepare_if_dev).
"""

from __future__ import annotations

import sys


def keep_dbt_out_of_this_process() -> bool:
    """Make `import dbt...` fail in this process, so dagster-dbt runs without dbt-core.

    Call it before anything imports dagster_dbt. Returns False, and changes nothing, when dbt or
    dagster-dbt is already imported (the process has paid for it; blocking dbt then would only
    break what already uses it)."""
    if "dbt" in sys.modules or "dagster_dbt" in sys.modules:
        return False
    sys.modules["dbt"] = None  # type: ignore[assignment]  # Python's "not importable" marker
    return True
