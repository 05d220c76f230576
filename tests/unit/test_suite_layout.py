"""How `make test` spreads the suite over its pytest-xdist workers (tests/conftest.py): files
sharing a scenario built once per process form one work unit, and the longest units start
first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import (
    LONGEST_FIRST,
    REPO_ROOT,
    SHARED_SCENARIOS,
    pytest_xdist_make_scheduler,
    start_rank,
    work_unit,
)

TEST_FILES = sorted(set((REPO_ROOT / "tests").rglob("test_*.py")) - {Path(__file__)})
# How a file shows it uses a scenario: it imports the builders of tests/marts_runs.py, or asks
# for the `make_run_sample` fixture.
MARTS_RUNS_IMPORT = re.compile(r"^from tests\.marts_runs import (\([^)]*\)|.*$)", re.M)
USES = {
    "marts_runs": lambda text: any(
        {"base", "reference", "scenario"} & set(re.findall(r"\w+", names))
        for names in MARTS_RUNS_IMPORT.findall(text)
    ),
    "make_run_sample": lambda text: re.search(r"\bmake_run_sample\b", text) is not None,
}


def relative(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


@pytest.mark.parametrize("scenario", sorted(USES))
def test_the_files_sharing_a_scenario_are_listed(scenario: str):
    users = {relative(p) for p in TEST_FILES if USES[scenario](p.read_text())}
    assert set(SHARED_SCENARIOS[scenario]) == users


def test_the_longest_units_named_exist():
    for unit in LONGEST_FIRST:
        assert (REPO_ROOT / unit).is_file() or unit in SHARED_SCENARIOS, unit
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)


class LoadfileConfig:
    """What xdist's scheduler reads of the configuration of `-n 2 --dist loadfile`."""

    def getvalue(self, name: str):
        return {"dist": "loadfile", "tx": ["2*popen"]}[name]


def test_the_scheduler_gives_a_shared_scenario_one_unit():
    scheduler = pytest_xdist_make_scheduler(LoadfileConfig(), None)
    unit = scheduler._split_scope  # the work unit of a node id
    crash, readers = SHARED_SCENARIOS["marts_runs"]
    assert unit(f"{crash}::test_a[x-y]") == unit(f"{readers}::test_b") == "marts_runs"
    assert unit("tests/unit/test_checks.py::test_c") == "tests/unit/test_checks.py"
    assert unit("tests/unit/test_checks.py::test_d") == unit("tests/unit/test_checks.py::test_c")


def test_collection_starts_with_the_longest_units(request):
    """The items as collected in this session (the whole suite under `make test`)."""
    units = [work_unit(item.nodeid) for item in request.session.items]
    ranks = [start_rank(u) for u in units]
    assert ranks == sorted(ranks)
    changes = [u for i, u in enumerate(units) if i == 0 or units[i - 1] != u]
    assert len(changes) == len(set(units))  # a unit's tests are contiguous
