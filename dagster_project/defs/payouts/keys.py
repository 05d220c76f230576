"""The close's asset key, importable without the dbt project (the jobs and the published marts
name it; the asset itself, payout_close.py, depends on the dbt models)."""

import dagster as dg

PAYOUT_CLOSE = dg.AssetKey(["payouts", "close"])
