"""Deterministic sample-log generator (SPEC §2 layout).

``generate(data_dir, profile, days, seed)`` writes ``<data_dir>/raw/<feed>/<YYYY-MM-DD>.jsonl``
(some ``.jsonl.gz``) for the feeds clicks, signups, sales, partner_status and fx_rates.
The output depends only on (profile, days, seed): log dates end on ``END_DATE`` and count back
``days``; no wall clock, no unseeded randomness. The events are built as vectorised DuckDB SQL
(``sql/*.sql``, rendered by :mod:`.templates`); Python only writes one file per
(feed, log date).

What the sample contains (the realistic shape the pipeline must cope with):

* a referral tree several levels deep (most partners are roots, early partners recruit many),
  recruited by ``ref_partner_id`` (parameter) or by a click with the same ``visitor_id``
  (cookie), plus unattributed signups, self-referrals (own id; same ``email_hash``), refs
  naming a partner who signs up later or never, expired and pre-signup clicks;
* ~50 clicks per signup; customers paying monthly (``charge`` every ~30 days) in USD, EUR,
  GBP, JPY and a few CHF (no FX rate ever), amounts as JSON strings or numbers;
* full and partial refunds, chargebacks, orphan reversals (unknown or missing ``refers_to``),
  sales of customers that never signed up, one customer signing up twice;
* partner_status suspensions, reactivations, terminations, redundant ``active`` events;
* fx_rates on business days only, a few random missing days and a 12-day GBP gap;
* late events (days, some weeks), one old log-date file (the founding partners' signups,
  ~1 year before the rest), ~0.5 % redelivered lines, timestamps with ``+02:00``/``-05:00``,
  without offset and with milliseconds;
* ~0.1 % malformed lines per kind and feed (see ``feeds.FEEDS``): truncated JSON,
  missing required field, wrong type, unparseable timestamp/date, out-of-domain values
  (landing ``home``, kind ``vendor``, program ``reseller``, type ``gift``, currency ``EURO``,
  amount <= 0 or with 5 decimals, status ``paused``, rate <= 0) and, in clicks, lines that are
  not valid UTF-8 (a Latin-1 byte).

Layout: ``params`` (profiles, ``Params``), ``sql/*.sql`` (one file per table built) and
``templates`` (loads and renders them), ``feeds`` (fields and malformations per feed),
``lines`` (redelivered and malformed lines, file bodies), ``writer`` (the files) and
``generator`` (``generate``).
"""

from .generator import generate
from .params import END_DATE, FEED_NAMES, PROFILES, Params, params

__all__ = ["END_DATE", "FEED_NAMES", "PROFILES", "Params", "generate", "params"]
