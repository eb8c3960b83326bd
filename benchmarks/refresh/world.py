"""The simulated month's world: 12 account targets churning at very different rates.

Each target is an account of the simulator's default world with a followers list of 100 to
400 (well under ``max_results=1000``: nothing is cut), on both platforms. A few fast movers
flip each candidate follow with probability 0.08-0.15 a day (the list of S followers then
changes by about 2pS a day, and half of it or more within a week), the rest 0.001-0.005 (a few
changes a month). ``churn_rates`` is the simulator knob that makes them so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from resources.nyne.settings import CREDITS_PER_LOOKUP  # the provider's charge per lookup
from social_assets.targets.model import account_key

DAYS = 30  # the simulated month: days 0 .. 29, day d = world epoch d
WEEKLY_DAYS = tuple(range(0, DAYS, 7))  # the fixed cron: 0, 7, 14, 21, 28
START = datetime(2026, 11, 1, tzinfo=timezone.utc)
MAX_RESULTS = 1000


@dataclass(frozen=True)
class Target:
    platform: str
    username: str
    p: float  # per-day flip probability of each candidate follow (simulator churn_rates)

    @property
    def key(self) -> str:
        """The ``accounts`` partition key, ``tw_<handle>`` / ``ig_<handle>``."""
        return account_key(self.platform, self.username)

    @property
    def rate_key(self) -> str:
        return f"{self.platform}:{self.username}"


TARGETS = (
    # Fast movers.
    Target("twitter", "data_daily", 0.12),
    Target("instagram", "coffee397", 0.08),
    Target("twitter", "the_coffee_yuki", 0.15),
    # Quiet accounts.
    Target("twitter", "code_ocean", 0.003),
    Target("twitter", "night_code6719", 0.002),
    Target("twitter", "elena_garcia", 0.004),
    Target("twitter", "janedoe", 0.001),
    Target("twitter", "the_orbit_a9078", 0.005),
    Target("instagram", "elenat73", 0.002),
    Target("instagram", "nina6600", 0.003),
    Target("instagram", "the_data_finn", 0.001),
    Target("instagram", "studio_forest", 0.004),
)


def churn_rates(targets: tuple[Target, ...] = TARGETS) -> dict[str, float]:
    """The simulator knob: "platform:username" -> p."""
    return {t.rate_key: t.p for t in targets}


def day_at(day: int) -> datetime:
    """The simulated day's timestamp (midnight UTC): each snapshot's ``fetched_at``."""
    return START + timedelta(days=day)


def weekly_credits(targets: tuple[Target, ...] = TARGETS) -> int:
    """What the fixed weekly cron spends over the month: the adaptive plan's budget."""
    return len(targets) * len(WEEKLY_DAYS) * CREDITS_PER_LOOKUP
