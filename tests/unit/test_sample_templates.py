"""The sample generator's SQL templates: ``${name}`` placeholders only, strict, shipped."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from dagster_project.sample.params import params
from dagster_project.sample.templates import SqlTemplate, render


def test_placeholders_are_replaced_and_duckdb_parameters_kept():
    sql = SqlTemplate("SELECT ${n} FROM t_${feed} WHERE d BETWEEN $1 AND $2 AND x = '$'")
    assert sql.substitute(n=7, feed="clicks") == (
        "SELECT 7 FROM t_clicks WHERE d BETWEEN $1 AND $2 AND x = '$'"
    )


def test_missing_value_and_malformed_placeholder_are_errors():
    with pytest.raises(KeyError, match="seed"):
        SqlTemplate("SELECT ${seed}").substitute({})
    with pytest.raises(ValueError, match="Invalid placeholder"):
        SqlTemplate("SELECT ${1x}").substitute({})


def test_values_must_be_numbers_or_text():
    with pytest.raises(TypeError, match="flag"):
        render("resignups", {"end_ts": 1, "flag": True})
    with pytest.raises(TypeError, match="end_ts"):
        render("resignups", {"end_ts": 1.5})


def test_every_placeholder_of_the_table_templates_comes_from_params():
    """The table templates use only Params.template_values (plus the clicks counts)."""
    known = set(params("small").template_values()) | {"n_target", "n_visitors"}
    sql_dir = files("dagster_project.sample").joinpath("sql")
    tables = [
        "macros", "partners", "customers", "resignups",
        "signups", "clicks", "sales", "partner_status", "fx_rates",
    ]  # fmt: skip
    names = {f.name for f in sql_dir.iterdir() if f.name.endswith(".sql")}
    assert {f"{t}.sql" for t in tables} <= names
    for table in tables:
        text = sql_dir.joinpath(f"{table}.sql").read_text(encoding="utf-8")
        used = set(re.findall(r"\$\{(\w+)\}", text))
        assert used, table
        assert used <= known, (table, used - known)
