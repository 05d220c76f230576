"""A BI client (SQLAlchemy + duckdb-engine, the `bi` extra) reads every mart of marts.duckdb
with reflection while publishes replace the file: never an error, every table whole."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT

sqlalchemy = pytest.importorskip("sqlalchemy")
pytest.importorskip("duckdb_engine")

PUBLISHES = 8
PUBLISHER = """
import sys, duckdb
from pathlib import Path
from dagster_project.defs.publish.publish import publish_marts
with duckdb.connect(sys.argv[1]) as con:
    for _ in range(int(sys.argv[3])):
        publish_marts(con, Path(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def data_dir(make_run_sample: Path, tmp_path_factory) -> Path:
    """A copy of `make run`'s sample: the test publishes its marts again and again."""
    d = tmp_path_factory.mktemp("bi") / "data"
    shutil.copytree(make_run_sample, d)
    return d


def read_everything(engine) -> dict[str, tuple[list[str], int]]:
    inspector = sqlalchemy.inspect(engine)
    out = {}
    with engine.connect() as con:
        for table in inspector.get_table_names():
            columns = [c["name"] for c in inspector.get_columns(table)]
            rows = con.execute(sqlalchemy.text(f'SELECT * FROM "{table}"')).fetchall()
            out[table] = (columns, len(rows))
    return out


def test_sqlalchemy_reads_every_mart_with_reflection_while_publishing(data_dir: Path):
    marts = data_dir / "marts.duckdb"
    with duckdb.connect(str(marts), read_only=True) as con:
        expected = {
            table: (
                [c[0] for c in con.execute(f'SELECT * FROM "{table}" LIMIT 0').description],
                con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0],
            )
            for (table,) in con.execute("SHOW TABLES").fetchall()
        }
    assert {"run_info", "partner_funnel_monthly", "fct_commissions"} <= set(expected)
    engine = sqlalchemy.create_engine(
        f"duckdb:///{marts}",
        connect_args={"read_only": True},
        poolclass=sqlalchemy.pool.NullPool,  # a fresh connection (file) for every read
    )
    assert read_everything(engine) == expected  # reflection + select * work at rest

    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(data_dir / "warehouse.duckdb"), str(marts),
         str(PUBLISHES)],
        cwd=REPO_ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    reads, errors = 0, []
    try:
        while publisher.poll() is None:
            try:
                assert read_everything(engine) == expected
                reads += 1
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                errors.append(repr(exc))
            time.sleep(0.01)
    finally:
        _, stderr = publisher.communicate(timeout=300)
    assert publisher.returncode == 0, stderr
    assert errors == []
    assert reads >= 3, f"only {reads} reads while publishing {PUBLISHES} times"
