"""The dbt layer's dbt commands go to one warm dbt server (cli/warm_dbt.py), as a pipeline
run's build does: dbt imported and the project's parse loaded once, not in each of the
layer's dbt commands (one `dbt run` of the dedup models: 5.8 s started cold, 2.2 s handed to
the server; the layer ≈ 340 → 128 s). tests/dbt_commands.py passes the server's socket on; the
server stops after the layer's last test."""

from __future__ import annotations

import pytest

from dagster_project.cli.warm_dbt import warm_dbt


@pytest.fixture(scope="package", autouse=True)
def warm_dbt_server(dbt_manifest):
    with warm_dbt(warm_up=True):
        yield
