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

from dagster_project.core.paths import DBT_LAUNCHER, dbt_runs_through_launcher

WARM_SOCKET_ENV = "PARTNER_DBT_WARM_SOCKET"  # read (and removed) by bin/dbt_launcher.py
WARM_SERVER = DBT_LAUNCHER.with_name("dbt_warm.py")


@contextmanager
def warm_dbt() -> Iterator[None]:
    """A warm dbt server for the dbt commands started inside the block (through the launcher);
    stopped, with its socket, when the block ends."""
    if not dbt_runs_through_launcher():  # only the launcher looks for the server
        yield
        return
    folder = tempfile.mkdtemp(prefix="dbt-warm-")  # short: a socket path has ≈ 100 bytes
    socket_path = os.path.join(folder, "socket")
    server = subprocess.Popen(
        [sys.executable, str(WARM_SERVER), socket_path, str(os.getpid())],
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
