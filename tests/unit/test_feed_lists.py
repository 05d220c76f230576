"""The feed list is defined once per language: dagster_project/core/feeds.py for Python and
the dbt macro raw_feeds() for the dbt project. They must name the same feeds in the same
order."""

import ast
import re

from dagster_project.core.feeds import FEEDS
from dagster_project.core.paths import DBT_PROJECT_DIR


def test_the_dbt_feed_list_is_the_python_one():
    macro = (DBT_PROJECT_DIR / "macros" / "raw_feeds.sql").read_text()
    listed = re.search(r"return\((\[.*?\])\)", macro).group(1)
    assert tuple(ast.literal_eval(listed)) == FEEDS


def test_no_other_dbt_file_spells_the_feed_list():
    spelled = "'clicks', 'signups', 'sales', 'partner_status', 'fx_rates'"
    files = [
        p.relative_to(DBT_PROJECT_DIR).as_posix()
        for folder in ("models", "macros", "tests")
        for p in (DBT_PROJECT_DIR / folder).rglob("*.sql")
        if spelled in p.read_text()
    ]
    assert files == ["macros/raw_feeds.sql"]
