"""The run command's dbt, imported while the logs load (bin/dbt_warm.py says how).

Importing dbt takes ≈ 1.9 s of every run; the run command starts the warm server as soon as
it knows there is work, and the dbt build its transform starts later finds dbt imported.
Runs the daemon launches start dbt as before (their launcher finds no socket).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from dagster_project.core.paths import DBT_LAUNCHER, DBT_PROJECT_DIR, dbt_runs_through_launcher

WARM_SOCKET_ENV = "PARTNER_DBT_WARM_SOCKET"  # read (and removed) by bin/dbt_launcher.py
WARM_SERVER = DBT_LAUNCHER.with_name("dbt_warm.py")


@contextmanager
def warm_dbt(warm_up: bool) -> Iterator[None]:
    """A warm dbt server for the dbt commands started inside the block (through the launcher);
    stopped, with its socket, when the block ends. `warm_up`: before serving, the server also
    reads dbt's saved parse state and compiles the macros a build uses (dbt_warm.warm_up);
    asked only when that state is current (cli/manifest.py), else the macros it compiles
    could be older than the build's."""
    if not dbt_runs_through_launcher():  # only the launcher looks for the server
        yield
        return
    folder = tempfile.mkdtemp(prefix="dbt-warm-")  # short: a socket path has ≈ 100 bytes
    socket_path = os.path.join(folder, "socket")
    from dagster_project.defs.transform.dbt_vars import run_profile_settings

    server = subprocess.Popen(
        [sys.executable, str(WARM_SERVER), socket_path, str(os.getpid())]
        + ([str(DBT_PROJECT_DIR)] if warm_up else []),
        # its warm-up renders the profile as the run's dbt will (dbt_warm.warm_up)
        env={**os.environ, **run_profile_settings()},
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.environ[WARM_SOCKET_ENV] = socket_path
    try:
        yield
    finally:
        os.environ.pop(WARM_SOCKET_ENV, None)
        server.kill()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)
