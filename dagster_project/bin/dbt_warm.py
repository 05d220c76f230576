"""dbt, imported before it is needed: the run command starts this while it loads the logs.

Importing dbt takes ≈ 1.9 s, a seventh of a night; the run command (cli/run.py) starts this
server first thing, so the import happens beside the loading instead of before the build.
When dbt is then started (bin/dbt → dbt_launcher.py), the launcher finds the server's socket
($PARTNER_DBT_WARM_SOCKET), hands it its standard streams, arguments, environment and
working directory, and the server forks a child that becomes that dbt command, with the
same streams, arguments, environment and directory a freshly started dbt would have. The
launcher relays the exit status and forwards SIGINT/SIGTERM; without a server it starts dbt
as before.

Dies with the process that started it (Linux parent-death signal), and each child with the
server; a child whose launcher is gone (killed) kills itself, so no dbt keeps writing the
warehouse unseen. Before serving, it reads the project's saved parse state and compiles the
macros a build uses (warm_up). Run as a script with the venv's Python:
    dbt_warm.py SOCKET_PATH PARENT_PID [DBT_PROJECT_DIR]
"""

from __future__ import annotations

import atexit
import io
import json
import os
import signal
import socket
import sys
import threading

from dbt_launcher import die_with_parent  # beside this file: Python puts its folder on sys.path

MAX_MESSAGE = 1 << 20  # argv, environment and working directory, as JSON


def receive_request(conn: socket.socket) -> tuple[dict, list[int]]:
    """The launcher's request: {"argv", "env", "cwd"} and its stdin, stdout, stderr."""
    data, fds, _, _ = socket.recv_fds(conn, MAX_MESSAGE, 3)
    while not data.endswith(b"\n"):
        more = conn.recv(MAX_MESSAGE)
        if not more:
            raise ConnectionError("the launcher went away before its request was complete")
        data += more
    return json.loads(data), fds


def become_dbt(conn: socket.socket) -> int:
    """In the forked child: take the launcher's streams, environment and directory, run dbt
    and report its exit status; return it (the caller exits with it, so that dbt's DuckDB
    connection closes at the interpreter's exit as in a freshly started dbt; the launcher
    waits for that exit, the end of this connection, before it exits itself)."""
    die_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # dbt's own subprocesses are waited for
    request, fds = receive_request(conn)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = ["dbt", *request["argv"]]
    # Unbuffered, as the launcher's environment asks (PYTHONUNBUFFERED): dagster-dbt reads
    # dbt's events from stdout as they come.
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", 0), write_through=True)
    sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", 0), write_through=True)
    conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")

    def kill_if_launcher_dies() -> None:
        if not conn.recv(1):  # EOF: the launcher is gone (a run stops dbt by stopping it)
            os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=kill_if_launcher_dies, daemon=True).start()
    format_only_the_lines_each_log_keeps()
    from dbt.cli.main import cli

    try:
        cli()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except Exception:  # noqa: BLE001 - reported as an uncaught error in dbt would be
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
    return code


def format_only_the_lines_each_log_keeps() -> None:
    """dbt's loggers (its JSON events on stdout, which dagster-dbt reads, and target/dbt.log)
    format every event as a line, then hand it to a Python logger that drops it below the
    log's level: each statement's SQL event (debug) was serialized twice to be thrown away,
    ≈ 3 s of a tiny build's 22 CPU-seconds, all of it under the GIL its two threads share
    (bench/HISTORY.md). Here a logger first asks its Python logger whether it would keep the
    line, at the level it would send it at (dbt_common's send_to_logger, with dbt_common's
    own map of levels); what is written is unchanged. Best effort: a dbt whose logger looks
    otherwise is left as it is."""
    try:
        from dbt_common.events import logger as dbt_logger
    except ImportError:
        return
    base = dbt_logger._Logger
    write_line = base.__dict__.get("write_line")
    if write_line is None or getattr(write_line, "keeps_only_kept_lines", False):
        return
    python_level = dbt_logger._log_level_map  # keyed by EventLevel, a str: "debug", "info"...

    def write_kept_line(self, msg) -> None:
        kept_by = self._python_logger
        level = "error" if dbt_logger._is_print_event(msg) else msg.info.level
        if kept_by is not None and not kept_by.isEnabledFor(python_level.get(level, 40)):
            return
        write_line(self, msg)  # an unknown level included: dbt's own error for it

    write_kept_line.keeps_only_kept_lines = True
    base.write_line = write_kept_line


def exit_after_dbt(code: int) -> None:
    """Exit as a dbt process does, minus freeing dbt's objects one by one (0.4-0.5 s after
    every build). The exit handlers run: dbt-duckdb's closes dbt's DuckDB database, which
    checkpoints it; the launcher relays the exit status once this process is gone, so the
    warehouse is free for the run's next step."""
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def saved_parse_state(project_dir: str) -> str:
    """dbt's saved parse state in the project's target directory: `target`, or $DBT_TARGET_PATH
    (as core/paths.DBT_TARGET_DIR; this script does not import the project)."""
    target = os.path.join(project_dir, os.environ.get("DBT_TARGET_PATH", "target"))
    return os.path.join(target, "partial_parse.msgpack")


def read_parse_state(path: str):
    """The saved parse state at `path` (saved_parse_state) as dbt's Manifest, read as dbt
    reads it for partial parsing (with its own decoder)."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    with open(path, "rb") as f:
        return Manifest.from_msgpack(f.read(), decoder=extended_mashumuro_decoder)


def warm_up(project_dir: str, server: socket.socket) -> None:
    """Read the project's saved parse state here and compile the dbt macros a build uses, so
    that the children find dbt warmed up; stop compiling as soon as a launcher is waiting on
    `server`.

    A dbt process pays on its first command for work that later commands in the same
    process skip: building its classes' decoders and schema validators (mashumaro), reading
    the saved parse state, and compiling each macro's Jinja the first time it is called (dbt
    keeps compiled macros for the process, by their text). Measured here: the 238 macros the
    project's models, tests and materializations reach compile in 0.43-0.6 s; reading the
    saved state (1.5 MB) 0.23 s. The children, forked after this, start their build as such a
    later command. This used to run `dbt parse` instead (2.2-2.4 s on an idle machine, more
    beside a run's loading): a night's build asked for dbt before it was done and waited for
    it (`[dbt] build:` to the first node built 3.9-4.9 s, against 2.0-3.6 s reading the
    state; bench/HISTORY.md, twelfth round). It reads the state only: no file of the project
    is written, no warehouse opened, no thread started (a parse starts dbt's static parser's
    pool, and a child forked after that which parses a model would wait forever on it). Best
    effort: a failure only leaves dbt less warm; a stale state only compiles macros nobody
    asks for."""
    import select

    saved = saved_parse_state(project_dir)
    if not os.path.exists(saved):
        return  # the project was never parsed
    try:
        from dbt.adapters.factory import load_plugin
        from dbt_common.clients.jinja import template_cache

        manifest = read_parse_state(saved)
        load_plugin("duckdb")  # finding the materializations asks the adapter's lineage
        for macro in macros_a_build_uses(manifest):
            if select.select([server], [], [], 0)[0]:
                return  # a launcher is waiting: serve it now
            template_cache.get_node_template(macro)
    except Exception:  # noqa: BLE001, S110 - an optimisation only
        pass


def macros_a_build_uses(manifest) -> list:
    """The macros the nodes call, the DuckDB materializations, and every macro those call."""
    wanted = [uid for node in manifest.nodes.values() for uid in node.depends_on.macros]
    for kind in ("table", "incremental", "view", "seed", "test"):
        found = manifest.find_materialization_macro_by_name(
            manifest.metadata.project_name, kind, "duckdb"
        )
        if found is not None:
            wanted.append(found.unique_id)
    seen: dict[str, object] = {}
    while wanted:
        uid = wanted.pop()
        if uid not in seen and uid in manifest.macros:
            seen[uid] = manifest.macros[uid]
            wanted.extend(manifest.macros[uid].depends_on.macros)
    return list(seen.values())


def threads_in_this_process() -> int:
    """Native threads too (a library's own pool), not only Python's."""
    return len(os.listdir("/proc/self/task"))


def serve(socket_path: str, parent_pid: int) -> None:
    die_with_parent()
    if os.getppid() != parent_pid:
        sys.exit("dbt_warm: the process that started it is gone")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # Before the import, so that a launcher that comes early waits for it. Bound and
    # listening under another name first: the path appears only once a launcher can connect
    # (one that came between bind and listen was refused, and started dbt cold).
    server.bind(socket_path + ".new")
    server.listen()
    os.rename(socket_path + ".new", socket_path)
    import dbt.cli.main  # noqa: F401 - the point of this process
    from dbt.adapters import duckdb  # noqa: F401 - the adapter a DuckDB run loads first

    if len(sys.argv) > 3:
        warm_up(sys.argv[3], server)
    if threads_in_this_process() > 1:
        # A fork copies only the forking thread: a child could wait forever on a lock or a
        # pool another thread holds. Stop serving; the launchers start dbt themselves (one
        # already waiting sees the connection closed before dbt started, and does too).
        server.close()
        os.unlink(socket_path)
        sys.exit("dbt_warm: more than one thread after importing dbt; not serving")

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped by the kernel
    while True:
        conn, _ = server.accept()
        if os.fork() == 0:
            server.close()
            try:
                code = become_dbt(conn)
            except BaseException:  # noqa: BLE001 - the request could not be served
                os._exit(1)
            exit_after_dbt(code)
        conn.close()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
