"""The dbt resource: the version it reports without running `dbt --version` is dbt's own."""

from __future__ import annotations

import re
import subprocess

from dagster_project.defs.resources import DbtCli, dbt_project, venv_dbt_executable


def test_dbt_version_read_from_packages_matches_dbt_version_command():
    printed = subprocess.run(
        [venv_dbt_executable(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    expected = re.search(r"installed:\s*(\d+\.\d+\.\d+)", printed).group(1)
    dbt = DbtCli(project_dir=dbt_project, dbt_executable=venv_dbt_executable())
    assert str(dbt._cli_version) == expected


def test_another_dbt_executable_is_asked_for_its_version(tmp_path):
    fake = tmp_path / "dbt"
    fake.write_text("#!/bin/sh\necho 'Core:\n  - installed: 9.8.7'\n")
    fake.chmod(0o755)
    dbt = DbtCli(project_dir=dbt_project, dbt_executable=str(fake))
    assert str(dbt._cli_version) == "9.8.7"
