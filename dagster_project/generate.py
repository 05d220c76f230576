"""Deterministic sample-log generator (SPEC §2 layout).

``generate(data_dir, profile, days, seed)`` writes ``<data_dir>/raw/<feed>/<YYYY-MM-DD>.jsonl``
(some ``.jsonl.gz``) for the feeds clicks, signups, sales, partner_status and fx_rates.
The output depends only on (profile, days, seed): log dates end on ``END_DATE`` and count back
``days``; no wall clock, no unseeded randomness. The events are built as vectorised DuckDB SQL
(see :mod:`dagster_project.generate_sql`); Python only writes one file per (feed, log date).

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
* ~0.1 % malformed lines per kind and feed (see ``generate_sql.FEEDS``): truncated JSON,
  missing required field, wrong type, unparseable timestamp/date, out-of-domain values
  (landing ``home``, kind ``vendor``, program ``reseller``, type ``gift``, currency ``EURO``,
  amount <= 0 or with 5 decimals, status ``paused``, rate <= 0) and, in clicks, lines that are
  not valid UTF-8 (a Latin-1 byte).
"""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from dagster_project import generate_sql as g

FEED_NAMES = ("clicks", "signups", "sales", "partner_status", "fx_rates")
END_DATE = date(2026, 10, 31)

# name: (default days, partners, customers) at the default days; scaled linearly with days.
PROFILES: dict[str, tuple[int, int, int]] = {
    "small": (60, 160, 440),
    "bench": (365, 8_000, 100_000),
    # 4 x bench's partners, customers and so events per day: the scale test (`make bench-scale`)
    "bench4x": (365, 32_000, 400_000),
}

# feed -> (every, remainder): the file of the day with index % every == remainder is gzipped.
GZIP_DAYS = {"clicks": (5, 4), "sales": (7, 3)}

INVALID_UTF8_MARKER = b"@@E9@@"
_FILE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\.jsonl(\.gz)?$")


def _epoch(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def params(profile: str = "small", days: int | None = None, seed: int = 42) -> g.Params:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {sorted(PROFILES)}")
    default_days, partners, customers = PROFILES[profile]
    days = default_days if days is None else int(days)
    if days < 1:
        raise ValueError("days must be >= 1")
    scale = days / default_days
    n_partners = max(20, round(partners * scale))
    start = END_DATE - timedelta(days=days - 1)
    old = start - timedelta(days=365)
    return g.Params(
        seed=int(seed),
        days=days,
        start_date=start.isoformat(),
        end_date=END_DATE.isoformat(),
        old_date=old.isoformat(),
        s0=_epoch(start),
        o0=_epoch(old),
        partners=n_partners,
        founders=max(2, round(n_partners * 0.05)),
        customers=max(40, round(customers * scale)),
    )


def _existing_files(raw: Path) -> list[Path]:
    return [
        f
        for feed in FEED_NAMES
        if (raw / feed).is_dir()
        for f in (raw / feed).iterdir()
        if _FILE_RE.match(f.name)
    ]


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
    existing = _existing_files(raw)
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
        for sql in g.macros(p):
            con.execute(sql)
        t = time.perf_counter()
        for sql in g.entities(p):
            con.execute(sql)
        say(f"generate: entities built ({time.perf_counter() - t:.1f}s)")

        summary_feeds: dict[str, dict] = {}
        for feed in ("signups", "clicks", "sales", "partner_status", "fx_rates"):
            t = time.perf_counter()
            if feed == "clicks":
                n_signups = con.execute("SELECT count(*) FROM signups_ev").fetchone()[0]
                statements = g.clicks_ev(p, n_signups)
            else:
                statements = g.FEED_BUILDERS[feed](p)
            for sql in statements:
                con.execute(sql)
            spec = g.FEEDS[feed]
            n_valid = con.execute(f"SELECT count(*) FROM {feed}_ev").fetchone()[0]
            for sql in g.lines(p, spec, n_valid):
                con.execute(sql)
            stats = _write_feed(con, p, feed, raw / feed)
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


def _write_feed(con: duckdb.DuckDBPyConnection, p: g.Params, feed: str, out: Path) -> dict:
    """One file per log date; lines in (ord, tb) order, newline-terminated.

    DuckDB aggregates a chunk of days while a worker thread encodes/gzips/writes the previous
    chunk (zlib and file I/O release the GIL).
    """
    out.mkdir(parents=True, exist_ok=True)
    start = date.fromisoformat(p.start_date)
    every, rem = GZIP_DAYS.get(feed, (0, 0))
    dates = [
        r[0]
        for r in con.execute(
            f"SELECT log_date FROM {feed}_ev UNION SELECT ld FROM {feed}_extra ORDER BY 1"
        ).fetchall()
    ]
    query = g.chunk_query(g.FEEDS[feed])

    def write(rows: list[tuple]) -> tuple[int, int, int]:
        files = n_lines = n_bytes = 0
        for log_date, count, text in rows:
            data = text.encode("utf-8") + b"\n"
            if INVALID_UTF8_MARKER in data:
                data = data.replace(INVALID_UTF8_MARKER, b"\xe9")
            name = log_date.isoformat() + ".jsonl"
            if every and log_date >= start and (log_date - start).days % every == rem:
                data = gzip.compress(data, compresslevel=6, mtime=0)
                name += ".gz"
            (out / name).write_bytes(data)
            files += 1
            n_lines += count
            n_bytes += len(data)
        return files, n_lines, n_bytes

    chunk = 8 if feed == "clicks" else 400
    totals = [0, 0, 0]
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = []
        for i in range(0, len(dates), chunk):
            lo, hi = dates[i], dates[min(i + chunk, len(dates)) - 1]
            rows = con.execute(query, [lo, hi]).fetchall()
            pending.append(pool.submit(write, rows))
            if len(pending) > 2:
                _add(totals, pending.pop(0).result())
        for fut in pending:
            _add(totals, fut.result())
    return dict(zip(("files", "lines", "bytes"), totals, strict=True))


def _add(totals: list[int], values: tuple[int, int, int]) -> None:
    for i, v in enumerate(values):
        totals[i] += v
