"""Become the venv's `dbt`, set to receive SIGKILL when the process that started it dies.

Linux's parent-death signal (prctl PR_SET_PDEATHSIG) survives exec, so a `kill -9` of a run's
process also ends its dbt build, which would otherwise keep writing the warehouse unseen.
$PARTNER_DBT_PARENT_PID names the expected parent: if it died before the signal was set, exit.
$PARTNER_DBT_WORKDIR, when set, is the directory dbt starts in (the data directory, so that
the profile's paths are relative and the same for every data directory: defs/transform/dbt_vars.py).
Run as a script (not imported), with the venv's Python ($PARTNER_PYTHON).
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            sys.exit(f"dbt launcher: prctl failed (errno {ctypes.get_errno()})")
    expected = int(os.environ.get("PARTNER_DBT_PARENT_PID") or 0)
    if expected and os.getppid() != expected:
        sys.exit("dbt launcher: the run that started dbt is gone")
    workdir = os.environ.get("PARTNER_DBT_WORKDIR")
    if workdir:
        os.chdir(workdir)
    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    os.execv(dbt, [dbt, *sys.argv[1:]])


if __name__ == "__main__":
    main()
