"""The feeds (SPEC §2): one folder `raw/<feed>/` each, one raw asset and table `raw.<feed>` each.

The one list: the loaders, the raw assets, the run command and the sample generator read it.
"""

from __future__ import annotations

FEEDS: tuple[str, ...] = ("clicks", "signups", "sales", "partner_status", "fx_rates")
