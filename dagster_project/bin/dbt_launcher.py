"""Become the venv's `dbt`, set to receive SIGKILL when the process that started it dies.

Linux's parent-death signal (prctl PR_SET_PDEATHSIG) survives exec, so a `kill -9` of a run's
process also ends its dbt build, which would otherwise keep writing the warehouse unseen.
$PARTNER_DBT_PARENT_PID names the expected parent: if it died before the signal was set, exit.
$PARTNER_DBT_WORKDIR, when set, is the directory dbt starts in (the data directory, so that
the profile's paths are relative and the same for every data directory: defs/transform/dbt_vars.py).
$PARTNER_DBT_WARM_SOCKET, when set and served, names a dbt imported ahead of time
(dbt_warm.py): the launcher hands it this command and relays its exit status instead.
Run as a script (not imported), with the venv's Python ($PARTNER_PYTHON).
"""

import ctypes
import json
import os
import signal
import socket
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have Linux SIGKILL this process when the one that started it dies (also used by
    dbt_warm.py, which imports it from here)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            sys.exit(f"{os.path.basename(sys.argv[0])}: prctl failed (errno {ctypes.get_errno()})")


def main() -> None:
    die_with_parent()
    expected = int(os.environ.get("PARTNER_DBT_PARENT_PID") or 0)
    if expected and os.getppid() != expected:
        sys.exit("dbt launcher: the run that started dbt is gone")
    workdir = os.environ.get("PARTNER_DBT_WORKDIR")
    if workdir:
        os.chdir(workdir)
    warm = os.environ.pop("PARTNER_DBT_WARM_SOCKET", None)
    if warm:
        code = run_warm(warm, sys.argv[1:])
        if code is not None:
            sys.exit(code)
    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    os.execv(dbt, [dbt, *sys.argv[1:]])


def run_warm(socket_path: str, argv: list[str]) -> int | None:
    """Run `dbt <argv>` in a child of the warm server; its exit status, once that process has
    exited. None when no server answers, or it closes the connection before starting dbt
    (then dbt starts here, as without one)."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(socket_path)
    except OSError:
        return None
    request = {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}
    message = json.dumps(request).encode() + b"\n"
    sent = socket.send_fds(conn, [message], [0, 1, 2])  # the streams go with the first bytes
    conn.sendall(message[sent:])
    replies = conn.makefile("rb")
    started = replies.readline()
    if not started:  # the server stopped serving before it started dbt: no dbt ran
        return None
    child = json.loads(started)["pid"]
    forwarded = (signal.SIGINT, signal.SIGTERM)  # how a run asks dbt to stop
    before = {
        sig: signal.signal(sig, lambda signum, _: os.kill(child, signum)) for sig in forwarded
    }
    try:
        finished = replies.readline()
        replies.read()  # until the child has exited: its warehouse connection is closed then
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
    if not finished:
        sys.stderr.write("dbt launcher: dbt ended without an exit status (killed?)\n")
        return 1
    return int(json.loads(finished)["exit"])


if __name__ == "__main__":
    main()
