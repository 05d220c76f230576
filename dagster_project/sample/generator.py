"""``generate()``: build the sample's tables in an in-memory DuckDB and write the feeds' files.

Order: the macros (``sql/macros.sql``), the entities (partners, customers, resignups), then per
feed its events (``sql/<feed>.sql`` -> ``<feed>_ev``), its redelivered and malformed extras
(:mod:`.lines`) and its files (:mod:`.writer`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from .feeds import FEEDS
from .lines import malformed_sql, redelivered_sql
from .params import FEED_NAMES, Params, params
from .templates import render
from .writer import existing_files, write_feed

ENTITIES = ("partners", "customers", "resignups")
# Build order: clicks need the signup count.
BUILD_ORDER = ("signups", "clicks", "sales", "partner_status", "fx_rates")


def _feed_values(con: duckdb.DuckDBPyConnection, p: Params, feed: str) -> dict[str, int | str]:
    values = p.template_values()
    if feed == "clicks":
        n_signups = con.execute("SELECT count(*) FROM signups_ev").fetchone()[0]
        n_target = p.clicks_per_signup * n_signups
        values.update(n_target=n_target, n_visitors=max(1, n_target // 3))
    return values


def generate(
    data_dir: str | Path,
    profile: str = "small",
    days: int | None = None,
    seed: int = 42,
    progress: Callable[[str], object] | None = print,
    overwrite: bool = False,
) -> dict:
    """Write the sample logs under ``<data_dir>/raw`` and return a summary.

    Raises ``FileExistsError`` if log files already exist there, unless ``overwrite`` (then the
    existing ``<YYYY-MM-DD>.jsonl[.gz]`` files of the five feeds are deleted first).

    Summary: ``{"profile", "days", "seed", "first_log_date", "last_log_date", "old_log_date",
    "feeds": {feed: {"files", "lines", "bytes", "malformed": {kind: n}, "redelivered"}},
    "total": {"files", "lines", "bytes"}, "seconds"}``; ``lines`` counts every physical line,
    ``bytes`` the on-disk (possibly gzipped) size.
    """
    t_start = time.perf_counter()
    say = progress or (lambda _msg: None)
    p = params(profile, days, seed)
    raw = Path(data_dir) / "raw"
    existing = existing_files(raw)
    if existing:
        if not overwrite:
            raise FileExistsError(
                f"{raw} already holds {len(existing)} log files; pass overwrite=True to replace"
            )
        for f in existing:
            f.unlink()
    say(
        f"generate: profile={profile} days={p.days} seed={p.seed} log dates "
        f"{p.start_date}..{p.end_date} (+ {p.old_date}); {p.partners} partners, "
        f"{p.customers} customers"
    )

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        con.execute(render("macros", p.template_values()))
        t = time.perf_counter()
        for name in ENTITIES:
            con.execute(render(name, p.template_values()))
        say(f"generate: entities built ({time.perf_counter() - t:.1f}s)")

        summary_feeds: dict[str, dict] = {}
        for feed in BUILD_ORDER:
            t = time.perf_counter()
            con.execute(render(feed, _feed_values(con, p, feed)))
            spec = FEEDS[feed]
            n_valid = con.execute(f"SELECT count(*) FROM {feed}_ev").fetchone()[0]
            con.execute(redelivered_sql(p, spec, n_valid))
            con.execute(malformed_sql(p, spec, n_valid))
            stats = write_feed(con, p, feed, raw / feed)
            stats["malformed"] = dict(
                con.execute(
                    f"SELECT kind, count(*) FROM {feed}_extra "
                    "WHERE kind NOT IN ('ok', 'redelivered') GROUP BY kind ORDER BY kind"
                ).fetchall()
            )
            stats["redelivered"] = con.execute(
                f"SELECT count(*) FROM {feed}_extra WHERE kind = 'redelivered'"
            ).fetchone()[0]
            summary_feeds[feed] = stats
            con.execute(f"DROP TABLE {feed}_extra")
            say(
                f"generate: {feed}: {stats['files']} files, {stats['lines']:,} lines, "
                f"{stats['bytes'] / 1e6:,.1f} MB ({time.perf_counter() - t:.1f}s)"
            )
    finally:
        con.close()

    seconds = round(time.perf_counter() - t_start, 2)
    total = {
        k: sum(summary_feeds[f][k] for f in summary_feeds) for k in ("files", "lines", "bytes")
    }
    say(
        f"generate: done: {total['files']} files, {total['lines']:,} lines, "
        f"{total['bytes'] / 1e6:,.1f} MB in {seconds:.1f}s -> {raw}"
    )
    return {
        "profile": profile,
        "days": p.days,
        "seed": p.seed,
        "first_log_date": p.start_date,
        "last_log_date": p.end_date,
        "old_log_date": p.old_date,
        "feeds": {f: summary_feeds[f] for f in FEED_NAMES},
        "total": total,
        "seconds": seconds,
    }
