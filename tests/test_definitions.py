"""The Dagster definitions load and wire raw feeds → dbt models → published marts."""

import dagster as dg


def test_asset_graph_from_raw_to_published(dbt_manifest):
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for feed in ("clicks", "signups", "sales", "partner_status", "fx_rates"):
        assert f"raw/{feed}" in keys
        assert f"staging/base_{feed}" in keys
        parents = graph.get(dg.AssetKey(["staging", f"base_{feed}"])).parent_keys
        assert dg.AssetKey(["raw", feed]) in parents
    marts = {
        "dim_partners", "dim_customers", "fct_sales", "fct_commissions",
        "second_tier_lifetime", "partner_monthly_statement",
    }  # fmt: skip
    assert {f"marts/{m}" for m in marts} <= keys
    published = graph.get(dg.AssetKey(["published", "marts_duckdb"]))
    assert {k.path[-1] for k in published.parent_keys} == marts
    assert graph.get(dg.AssetKey(["raw", "sales"])).partitions_def is not None
    checks = defs.resolve_asset_graph().asset_check_keys
    assert any(c.asset_key == dg.AssetKey(["marts", "fct_commissions"]) for c in checks)
