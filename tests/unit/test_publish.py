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
