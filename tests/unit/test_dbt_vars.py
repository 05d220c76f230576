import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.core.duckdb_settings import MEMORY_LIMIT_ENV, TEMP_DIR_ENV, dbt_environment
from dagster_project.core.paths import REPO_ROOT, warehouse_path
from dagster_project.defs.transform.dbt_vars import (
    FULL_REFRESH_VARS,
    dbt_process_env,
    dbt_run_environment,
    dbt_vars_arg,
    dbt_vars_for_log_dates,
    dbt_vars_for_run,
    environment,
    run_profile_settings,
)


def test_log_dates_are_sorted_unique_iso_strings():
    assert dbt_vars_for_log_dates(["2026-01-02", "2026-01-01", "2026-01-02"]) == {
        "log_dates": ["2026-01-01", "2026-01-02"]
    }


def test_anything_but_a_date_is_refused_before_it_reaches_sql():
    with pytest.raises(ValueError):
        dbt_vars_for_log_dates(["2026-01-01'); drop table raw.sales; --"])


def test_vars_arg_is_json():
    args = dbt_vars_arg({"log_dates": ["2026-01-01"]})
    assert args[0] == "--vars"
    assert json.loads(args[1]) == {"log_dates": ["2026-01-01"]}


def test_new_log_dates_rerank_only_their_events():
    assert dbt_vars_for_run(["2026-11-01"], seen_before=[]) == {
        "log_dates": ["2026-11-01"],
        "rebuild_deduplication": False,
    }
    # the first build: no deduplicated table yet, every model is built from scratch anyway
    assert dbt_vars_for_run(["2026-11-01"], seen_before=None)["rebuild_deduplication"] is False


def test_a_reloaded_log_date_rebuilds_deduplication():
    vars_ = dbt_vars_for_run(["2026-10-30", "2026-11-01"], seen_before=["2026-10-30"])
    assert vars_["rebuild_deduplication"] is True


def test_vars_travel_as_json_environment_variables():
    env = dbt_run_environment(dbt_vars_for_run(["2026-11-01"], seen_before=[]))
    assert env == {
        "PARTNER_DBT_LOG_DATES": '["2026-11-01"]',
        "PARTNER_DBT_REBUILD_DEDUPLICATION": "false",
    }
    assert dbt_run_environment(FULL_REFRESH_VARS) == {
        "PARTNER_DBT_LOG_DATES": "null",  # every log date
        "PARTNER_DBT_REBUILD_DEDUPLICATION": "true",
    }


def test_dbt_process_env_holds_every_setting_of_the_dbt_process(tmp_path):
    env = dbt_process_env(
        warehouse=tmp_path / "warehouse.duckdb",
        vars_=dbt_vars_for_run(["2026-11-02", "2026-11-01"], ["2026-11-01"]),
        duckdb_env={"PARTNER_DUCKDB_MEMORY_LIMIT": "1GB"},
        engine_env={"PARTNER_SPARK_DIR": "/s"},
        python="/venv/bin/python",
        parent_pid=4242,
    )
    assert env == {
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "PARTNER_DUCKDB_MEMORY_LIMIT": "1GB",
        "PARTNER_SPARK_DIR": "/s",
        "PARTNER_PYTHON": "/venv/bin/python",
        "PARTNER_DBT_PARENT_PID": "4242",
        "PARTNER_DBT_LOG_DATES": '["2026-11-01", "2026-11-02"]',
        "PARTNER_DBT_REBUILD_DEDUPLICATION": "true",
    }


def test_with_a_workdir_dbt_sees_the_same_profile_for_every_data_directory(tmp_path):
    """bin/dbt starts dbt in the data directory: the warehouse and spill paths inside it are
    relative, so two data directories give dbt the same settings (and its partial parse)."""

    def env_for(data_dir: Path, temp_dir: Path) -> dict[str, str]:
        return dbt_process_env(
            warehouse=data_dir / "warehouse.duckdb",
            vars_={"log_dates": []},
            duckdb_env={
                "PARTNER_DUCKDB_MEMORY_LIMIT": "1GB",
                "PARTNER_DUCKDB_TEMP_DIR": str(temp_dir),
            },
            engine_env={},
            python="/venv/bin/python",
            parent_pid=1,
            workdir=data_dir,
        )

    one, two = tmp_path / "one", tmp_path / "two"
    env_one = env_for(one, one / ".duckdb_tmp")
    assert env_one["WAREHOUSE_PATH"] == "warehouse.duckdb"
    assert env_one["PARTNER_DUCKDB_TEMP_DIR"] == ".duckdb_tmp"
    assert env_one["PARTNER_DBT_WORKDIR"] == str(one)
    env_two = env_for(two, two / ".duckdb_tmp")
    assert {k: v for k, v in env_two.items() if k != "PARTNER_DBT_WORKDIR"} == {
        k: v for k, v in env_one.items() if k != "PARTNER_DBT_WORKDIR"
    }
    # a spill directory elsewhere ($PARTNER_DUCKDB_TEMP_DIR set by the user) stays absolute
    elsewhere = env_for(one, tmp_path / "spill")
    assert elsewhere["PARTNER_DUCKDB_TEMP_DIR"] == str(tmp_path / "spill")


def test_environment_is_restored_after_the_block(monkeypatch):
    monkeypatch.setenv("PARTNER_DBT_LOG_DATES", "before")
    monkeypatch.delenv("PARTNER_DBT_PARENT_PID", raising=False)
    with environment({"PARTNER_DBT_LOG_DATES": "[]", "PARTNER_DBT_PARENT_PID": "1"}):
        assert os.environ["PARTNER_DBT_LOG_DATES"] == "[]"
        assert os.environ["PARTNER_DBT_PARENT_PID"] == "1"
    assert os.environ["PARTNER_DBT_LOG_DATES"] == "before"
    assert "PARTNER_DBT_PARENT_PID" not in os.environ


def test_the_manifest_check_reads_the_target_directory_dagster_dbt_reads():
    from dagster_project.cli.manifest import TARGET_DIR
    from dagster_project.defs.resources import dbt_project

    assert Path(dbt_project.project_dir) / dbt_project.target_path == TARGET_DIR
    assert Path(dbt_project.manifest_path) == TARGET_DIR / "manifest.json"


def test_dbt_target_path_moves_every_use_of_the_target_directory():
    """$DBT_TARGET_PATH (dbt's variable; the suite's workers each set one) moves the manifest
    the definitions read, the manifest check, dbt's --target-path and the warm server's saved
    parse state together; read when the project is imported, so checked in a process of its own."""
    script = (
        "import json; from dagster_project.cli.manifest import TARGET_DIR; "
        "from dagster_project.defs.resources import dbt_project, dbt_project_args; "
        "args = dbt_project_args(); "
        "print(json.dumps([str(TARGET_DIR), str(dbt_project.manifest_path), "
        "args[args.index('--target-path') + 1]]))"
    )
    env = {**os.environ, "DBT_TARGET_PATH": "target/elsewhere"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO_ROOT
    )
    assert done.returncode == 0, done.stderr
    target = REPO_ROOT / "dbt" / "target" / "elsewhere"
    assert json.loads(done.stdout) == [
        str(target), str(target / "manifest.json"), str(target)
    ]  # fmt: skip
    warm_server = REPO_ROOT / "dagster_project" / "bin" / "dbt_warm.py"  # imports no project
    script = (
        f"import sys; sys.path.insert(0, {str(warm_server.parent)!r}); "
        "from dbt_warm import saved_parse_state; "
        f"print(saved_parse_state({str(REPO_ROOT / 'dbt')!r}))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(target / "partial_parse.msgpack")


def test_dbt_parse_gets_the_profile_settings_of_every_run(tmp_path, monkeypatch):
    """prepare_dbt_manifest's `dbt parse` gets the profile settings a run's dbt gets (started in
    its data directory), so the first run after a project change reuses that parse."""
    monkeypatch.delenv(TEMP_DIR_ENV, raising=False)
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    data_dir = tmp_path / "data"
    run = dbt_process_env(
        warehouse=warehouse_path(data_dir),
        vars_={"log_dates": ["2026-10-31"]},
        duckdb_env=dbt_environment(data_dir),
        engine_env={},
        python="/venv/bin/python",
        parent_pid=1,
        workdir=data_dir,
    )
    parse = run_profile_settings()
    assert parse == {
        "WAREHOUSE_PATH": "warehouse.duckdb",
        TEMP_DIR_ENV: ".duckdb_tmp",
        MEMORY_LIMIT_ENV: "1GB",
    }
    assert {name: run[name] for name in parse} == parse
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "3GB")  # a setting of the user's is the runs' too
    assert run_profile_settings()[MEMORY_LIMIT_ENV] == "3GB"
