"""Publishing copies schema `marts` into the default schema of marts.duckdb, atomically."""

from decimal import Decimal

import duckdb
import pytest

from dagster_project.defs.publish.publish import publish_marts


def test_publish_copies_marts_and_replaces_the_old_file(tmp_path):
    warehouse = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    warehouse.execute("CREATE SCHEMA marts")
    warehouse.execute(
        "CREATE TABLE marts.fct_x AS SELECT 'P1' AS partner_id, 1.25::DECIMAL(18,2) AS usd"
    )
    warehouse.execute("CREATE TABLE main.not_a_mart AS SELECT 1 AS x")
    target = tmp_path / "marts.duckdb"
    target.write_bytes(b"old contents")
    old_inode = target.stat().st_ino

    assert publish_marts(warehouse, target, docs={}) == {"fct_x": 1}
    assert target.stat().st_ino != old_inode  # a new file moved over the old one
    assert not list(tmp_path.glob(".marts.duckdb.*.tmp"))
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("SELECT * FROM marts.fct_x").fetchall() == [("P1", Decimal("1.25"))]
        assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["fct_x"]


def test_nothing_to_publish_leaves_the_old_file(tmp_path):
    warehouse = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    target = tmp_path / "marts.duckdb"
    target.write_bytes(b"old contents")
    with pytest.raises(RuntimeError, match="nothing to publish"):
        publish_marts(warehouse, target, docs={})
    assert target.read_bytes() == b"old contents"


def test_a_failure_while_copying_rolls_back_and_leaves_the_old_file(tmp_path):
    """The copy is one transaction: a statement failing half-way (here the comment on a
    column the mart does not have, after the first table was copied) leaves the old file,
    no temporary file, and the warehouse connection with no transaction open."""
    from dagster_project.defs.publish.mart_docs import TableDoc

    warehouse = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    warehouse.execute("CREATE SCHEMA marts")
    warehouse.execute("CREATE TABLE marts.fct_a AS SELECT 1 AS x")
    warehouse.execute("CREATE TABLE marts.fct_b AS SELECT 2 AS y")
    target = tmp_path / "marts.duckdb"
    target.write_bytes(b"old contents")
    docs = {"fct_a": TableDoc("A", {"x": "ok"}), "fct_b": TableDoc("B", {"gone": "no such"})}
    with pytest.raises(duckdb.Error, match="gone"):
        publish_marts(warehouse, target, docs=docs)
    assert target.read_bytes() == b"old contents"
    assert not list(tmp_path.glob(".marts.duckdb.*"))
    warehouse.execute("BEGIN TRANSACTION")  # raises if the failed one were still open
    warehouse.execute("ROLLBACK")
    assert publish_marts(warehouse, target, docs={}) == {"fct_a": 1, "fct_b": 1}
