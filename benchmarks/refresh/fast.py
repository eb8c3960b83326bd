"""The month in seconds, for the test: the followers lists read from the simulator's World in
this process (the lists the API would answer at that epoch, most recent first, cut at
``max_results``), the plan by the models' compiled SQL (``plan_sql``), credits counted as the
provider charges them (3 per non-empty lookup)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.refresh.dbt_run import plan_vars
from benchmarks.refresh.month import Look
from benchmarks.refresh.plan_sql import CompiledPlan
from benchmarks.refresh.world import (CREDITS_PER_LOOKUP, MAX_RESULTS, TARGETS, Target,
                                      churn_rates, weekly_credits)
from simulator.world import World
from social_assets.refresh.plan_rows import PlanRow


class InProcess:
    """A ``month.Collector`` on an in-process World; ``plan`` is shared by both policies."""

    def __init__(self, plan: CompiledPlan | None, targets: tuple[Target, ...] = TARGETS) -> None:
        self.plan = plan
        self.world = World(churn_rates=churn_rates(targets))
        self._credits = 0

    def look_up(self, day: int, targets: list[Target]) -> list[Look]:
        looks = []
        for target in targets:
            listed = self.world.followers(target.platform, target.username, day)[:MAX_RESULTS]
            self._credits += CREDITS_PER_LOOKUP if listed else 0
            looks.append(Look(day, target, frozenset(a.username for a in listed),
                              f"req_{target.key}_{day}"))
        return looks

    def plan_rows(self, day: int, looks: list[Look]) -> list[PlanRow]:
        if self.plan is None:
            raise RuntimeError("this collector was made without a plan")
        return self.plan.rows(looks)

    def credits(self) -> int:
        return self._credits


def compiled_plan(work_dir: Path, targets: tuple[Target, ...] = TARGETS) -> CompiledPlan:
    """The plan's SQL with the weekly cron's credits as the monthly budget."""
    return CompiledPlan(work_dir, plan_vars(weekly_credits(targets)))
