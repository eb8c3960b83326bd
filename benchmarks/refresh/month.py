"""The simulated month, one policy at a time: which targets are looked up on which day, and
what the snapshots taken show.

A ``Collector`` takes the snapshots (``look_up``), says what the refresh plan is on a given
day (``plan_rows``: the rows of ``refresh_plan`` built from the snapshots so far) and what was
spent (``credits``). ``fast.InProcess`` and ``full.OverHttp`` are the two collectors; the
policies below are the same for both, so the test measures what the benchmark measures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from benchmarks.refresh.world import DAYS, TARGETS, WEEKLY_DAYS, Target, day_at, weekly_credits
from social_assets.refresh.plan_rows import PlanRow

POLICIES = ("weekly", "adaptive")


@dataclass(frozen=True)
class Look:
    """One followers snapshot of one target."""

    day: int
    target: Target
    followers: frozenset[str]
    request_id: str


class Collector(Protocol):
    def look_up(self, day: int, targets: list[Target]) -> list[Look]: ...

    def plan_rows(self, day: int, looks: list[Look]) -> list[PlanRow]: ...

    def credits(self) -> int: ...


@dataclass
class Month:
    """What one policy did over the month."""

    policy: str
    looks: list[Look]
    credits: int
    days_looked: list[int] = field(default_factory=list)

    @property
    def lookups(self) -> int:
        return len(self.looks)

    @property
    def detected(self) -> int:
        return detected_changes(self.looks)

    @property
    def per_credit(self) -> float:
        return self.detected / self.credits if self.credits else 0.0

    def lookups_of(self, target: Target) -> int:
        return sum(1 for look in self.looks if look.target == target)


def detected_changes(looks: list[Look]) -> int:
    """Gained + lost between consecutive snapshots of each target, the first one excluded:
    what ``follower_changes`` reports."""
    by_target: dict[Target, list[Look]] = defaultdict(list)
    for look in looks:
        by_target[look.target].append(look)
    total = 0
    for seen in by_target.values():
        seen.sort(key=lambda look: look.day)
        total += sum(len(a.followers ^ b.followers) for a, b in zip(seen, seen[1:]))
    return total


def due_today(policy: str, day: int, collector: Collector, looks: list[Look],
              targets: tuple[Target, ...]) -> list[Target]:
    """The targets `policy` looks up on `day` (every target on day 0, for both).

    Adaptive: what the sensor requests (``sensors.adaptive_refresh``): the plan's due
    partitions, within what is left of the month's budget (the weekly cron's spend) given the
    credits the collector has spent."""
    if day == 0:
        return list(targets)
    if policy == "weekly":
        return list(targets) if day in WEEKLY_DAYS else []
    if policy != "adaptive":
        raise ValueError(f"unknown policy {policy!r}: one of {', '.join(POLICIES)}")
    from sensors.adaptive_refresh import due_partitions, within_budget

    by_key = {t.key: t for t in targets}
    plan = collector.plan_rows(day, looks)
    keys, _waiting = within_budget(due_partitions(plan, day_at(day)),
                                   {row.partition_key: row for row in plan},
                                   weekly_credits(targets), collector.credits())
    unknown = sorted(set(keys) - by_key.keys())
    if unknown:
        raise ValueError(f"the plan names partitions that are not targets: {unknown}")
    return [by_key[key] for key in sorted(set(keys))]


def run_month(policy: str, collector: Collector, targets: tuple[Target, ...] = TARGETS,
              days: int = DAYS, say=lambda _line: None) -> Month:
    """`policy` over `days` simulated days, day d at world epoch d."""
    looks: list[Look] = []
    days_looked = []
    for day in range(days):
        due = due_today(policy, day, collector, looks, targets)
        if due:
            looks.extend(collector.look_up(day, due))
            days_looked.append(day)
            say(f"  {policy} day {day:2d}: {', '.join(t.key for t in due)}")
    return Month(policy, looks, collector.credits(), days_looked)
