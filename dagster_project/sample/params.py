"""The numbers the sample is built from: profiles, the fixed end date and ``Params``.

Everything here derives from (profile, days, seed) only; no wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ..core.feeds import FEEDS

FEED_NAMES = FEEDS  # the one feed list (core/feeds.py)
END_DATE = date(2026, 10, 31)

# Seconds per day / per 30-day billing month.
DAY = 86_400
MONTH = 30 * DAY

# name: (default days, partners, customers) at the default days; scaled linearly with days.
PROFILES: dict[str, tuple[int, int, int]] = {
    "small": (60, 160, 440),
    "bench": (365, 8_000, 100_000),
    # 4 x bench's partners, customers and so events per day: the scale test (`make bench-scale`)
    "bench4x": (365, 32_000, 400_000),
}


@dataclass(frozen=True)
class Params:
    """Numbers the SQL is built from (all derived from profile, days and seed)."""

    seed: int
    days: int
    start_date: str  # first regular log date, YYYY-MM-DD
    end_date: str  # last log date
    old_date: str  # the single old log date (signups only)
    s0: int  # epoch seconds of start_date 00:00 UTC
    o0: int  # epoch seconds of old_date 00:00 UTC
    partners: int
    founders: int
    customers: int
    clicks_per_signup: int = 50
    malformed_rate: float = 0.001
    malformed_min: int = 1
    gz_every: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def window(self) -> int:
        return self.days * DAY

    @property
    def end_ts(self) -> int:
        return self.s0 + self.window

    @property
    def fx_gap_start(self) -> int:
        """Day index (0 = start_date) where the GBP rates stop for 12 days."""
        return max(1, self.days // 2 - 6)

    def template_values(self) -> dict[str, int | str]:
        """The placeholders every SQL template may use (``${name}``): numbers and ISO dates."""
        return {
            "seed": self.seed,
            "days": self.days,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "old_date": self.old_date,
            "s0": self.s0,
            "o0": self.o0,
            "partners": self.partners,
            "founders": self.founders,
            "non_founders": self.partners - self.founders,
            "customers": self.customers,
            "window": self.window,
            "end_ts": self.end_ts,
            "month": MONTH,
            "fx_gap_start": self.fx_gap_start,
            # customers with sales but no known signup
            "ghosts": max(2, self.customers // 400),
        }


def _epoch(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def params(profile: str = "small", days: int | None = None, seed: int = 42) -> Params:
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
    return Params(
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
