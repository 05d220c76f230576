"""`python -m dagster_project ...`: the command line (cli/)."""

import atexit
import logging
import os
import sys

from .cli import main


def exit_now(code: int) -> None:
    """Exit as Python would, minus freeing every object one by one at shutdown.

    After a run the interpreter holds ≈ 330 k objects (Dagster's definitions, dbt's manifest),
    and tearing them down took 0.7 s of every run (a night of the bench: measured 18.7 s →
    17.9 s). Everything a run writes is durable when `main` returns: the warehouse and the
    published file are closed (DuckDB commits, the published file is checkpointed and
    renamed), Dagster's event log is committed per event, the log files are closed. What
    Python's own exit still does that matters is done here: exit handlers, logging's flush,
    stdout and stderr. Only the main thread is left by then (the run command waits for its
    runs and stops the warm dbt server before returning)."""
    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main() or 0)
