"""The warm dbt server (bin/dbt_warm.py, cli/warm_dbt.py): a dbt command handed to it by the
launcher gives what the same command started cold gives (output and exit status), the
launcher starts dbt itself when no server answers, and the server and its socket are gone
after the block."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dagster_project.cli.warm_dbt import WARM_SOCKET_ENV, warm_dbt
from dagster_project.core.paths import (
    DBT_LAUNCHER,
    DBT_PROJECT_DIR,
    VENV_DBT,
    dbt_runs_through_launcher,
)

LAUNCHER = DBT_LAUNCHER.with_name("dbt_launcher.py")

pytestmark = pytest.mark.skipif(
    not dbt_runs_through_launcher(), reason="Linux with the venv's dbt only"
)


def launcher_module():
    spec = importlib.util.spec_from_file_location("dbt_launcher", LAUNCHER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def served(socket_path: str) -> str:
    """`socket_path` once the server listens on it (a launcher that comes before that starts
    dbt itself, which the other test covers)."""
    deadline = time.monotonic() + 30
    while not Path(socket_path).exists():
        assert time.monotonic() < deadline, "the warm server never listened"
        time.sleep(0.01)
    return socket_path


def cold(*argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != WARM_SOCKET_ENV}
    return subprocess.run([str(VENV_DBT), *argv], capture_output=True, text=True, env=env)


@pytest.mark.parametrize("warm_up", [False, True], ids=["imported", "warmed_up"])
def test_a_command_handed_to_the_warm_server_gives_what_dbt_started_cold_gives(
    tmp_path: Path, capfd, warm_up: bool
):
    """Also after the server's own warm-up (it reads the saved parse state and compiles the
    macros a build uses before it serves: dbt_warm.warm_up), whose output goes nowhere."""
    run_warm = launcher_module().run_warm
    missing_project = ["parse", "--project-dir", str(tmp_path / "no_project")]
    with warm_dbt(warm_up=warm_up):
        socket_path = served(os.environ[WARM_SOCKET_ENV])
        version_status = run_warm(socket_path, ["--version"])
        version = capfd.readouterr()
        failed_status = run_warm(socket_path, missing_project)
        failed = capfd.readouterr()
    assert WARM_SOCKET_ENV not in os.environ
    assert not Path(socket_path).exists()

    expected = cold("--version")
    assert version_status == expected.returncode == 0
    assert version.out == expected.stdout
    assert "installed: 1.11" in version.out
    expected = cold(*missing_project)
    assert failed_status == expected.returncode != 0
    assert "no_project" in failed.out + failed.err


def test_without_a_server_the_launcher_starts_dbt_itself(tmp_path: Path):
    assert launcher_module().run_warm(str(tmp_path / "no_socket"), ["--version"]) is None
    env = {**os.environ, WARM_SOCKET_ENV: str(tmp_path / "no_socket")}
    env["PARTNER_PYTHON"] = sys.executable
    launched = subprocess.run(
        [str(DBT_LAUNCHER), "--version"], capture_output=True, text=True, env=env
    )
    assert launched.returncode == 0, launched.stderr
    assert launched.stdout == cold("--version").stdout


def test_a_child_of_the_warmed_up_server_can_parse_the_project_whole(tmp_path: Path):
    """A build after a project change parses models in the child; dbt's static parser then
    runs there. The warm-up must leave no thread that parsing in a forked child would wait
    on (it did: dbt_extractor's pool, and the child hung). Through the launcher, as a run
    starts dbt, with a deadline."""
    env = {**os.environ, "PARTNER_PYTHON": sys.executable}
    command = [
        str(DBT_LAUNCHER),
        "parse",
        "--no-partial-parse",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "target"),
        "--no-write-json",
    ]
    with warm_dbt(warm_up=True):
        served(os.environ[WARM_SOCKET_ENV])
        env[WARM_SOCKET_ENV] = os.environ[WARM_SOCKET_ENV]
        parsed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert parsed.returncode == 0, parsed.stdout[-3000:] + parsed.stderr[-2000:]
    assert "Performance info" in parsed.stdout or "Found 53 models" in parsed.stdout


def test_the_warm_up_compiles_the_macros_a_build_uses_and_starts_no_thread(
    dbt_manifest: Path, tmp_path: Path
):
    """warm_up swallows its failures (an optimisation only), so a broken one would pass every
    test above: run it in a process of its own, on the project's saved parse state, and
    count what it left compiled. Every macro a build reaches (macros_a_build_uses over the
    same state) is compiled, the process has one thread (a child forked from it must not
    wait on another's lock), and nothing was written into the target directory."""
    bin_dir = LAUNCHER.parent
    target = dbt_manifest.parent
    before = sorted((p.name, p.stat().st_mtime_ns) for p in target.iterdir())
    script = f"""
import socket, sys
sys.path.insert(0, {str(bin_dir)!r})
import dbt_warm
from dbt_common.clients.jinja import template_cache
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind({str(tmp_path / "socket")!r})
server.listen()
dbt_warm.warm_up({str(DBT_PROJECT_DIR)!r}, server)
compiled, threads = len(template_cache.file_cache), dbt_warm.threads_in_this_process()
state = dbt_warm.read_parse_state(dbt_warm.saved_parse_state({str(DBT_PROJECT_DIR)!r}))
wanted = {{m.macro_sql for m in dbt_warm.macros_a_build_uses(state)}}  # plugin loaded by warm_up
print(compiled, len(wanted), threads, wanted <= set(template_cache.file_cache))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    compiled, wanted, threads, all_there = done.stdout.split()
    assert int(wanted) > 200  # the materializations and what they call, at the least
    assert int(compiled) == int(wanted) and all_there == "True"
    assert threads == "1"
    assert sorted((p.name, p.stat().st_mtime_ns) for p in target.iterdir()) == before


def test_the_warm_child_formats_only_the_log_lines_a_log_keeps():
    """dbt's loggers format every event, then drop the lines below their level; the warm
    server's children skip formatting those (dbt_warm.format_only_the_lines_each_log_keeps).
    In a process of its own (it changes dbt's logger class): a JSON log at info level is given
    a debug, an info and a warning event; it writes the same two lines either way, and with
    the change formats only those two."""
    script = f"""
import io, json, sys
sys.path.insert(0, {str(LAUNCHER.parent)!r})
import dbt_warm
from dbt_common.events.base_types import EventLevel
from dbt_common.events.event_manager_client import get_event_manager
from dbt_common.events.functions import fire_event
from dbt_common.events.logger import LineFormat, LoggerConfig, _JsonLogger
from dbt_common.events.types import Note
if sys.argv[1] == "changed":
    dbt_warm.format_only_the_lines_each_log_keeps()
    dbt_warm.format_only_the_lines_each_log_keeps()  # twice: still one check per line
formatted = []
create_line = _JsonLogger.create_line
def counted(self, msg):
    formatted.append(msg.info.name)
    return create_line(self, msg)
_JsonLogger.create_line = counted
out = io.StringIO()
manager = get_event_manager()
manager.loggers.clear()
manager.add_logger(LoggerConfig(
    name="t", line_format=LineFormat.Json, level=EventLevel.INFO, output_stream=out))
fire_event(Note(msg="dropped"), level=EventLevel.DEBUG)
fire_event(Note(msg="kept"), level=EventLevel.INFO)
fire_event(Note(msg="warned"), level=EventLevel.WARN)
written = [json.loads(line)["data"]["msg"] for line in out.getvalue().splitlines()]
print(json.dumps({{"written": written, "formatted": len(formatted)}}))
"""
    results = {}
    for mode in ("as_dbt_has_it", "changed"):
        done = subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        results[mode] = json.loads(done.stdout)
    assert results["as_dbt_has_it"] == {"written": ["kept", "warned"], "formatted": 3}
    assert results["changed"] == {"written": ["kept", "warned"], "formatted": 2}
