import json

import pytest

from dagster_project.dbt_vars import dbt_vars_arg, dbt_vars_for_log_dates


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
