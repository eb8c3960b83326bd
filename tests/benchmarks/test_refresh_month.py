"""The simulated month of issue 13, in seconds: on a world whose targets churn at very
different rates, the adaptive refresh plan (the real ``target_change_rates`` and
``refresh_plan`` SQL, compiled by dbt, run on DuckDB each day) detects at least 1.2x the
changes the fixed weekly cron detects, for no more credits. ``make bench-refresh`` measures the
same month the whole way (simulator over HTTP, Parquet, dbt builds); its figure is in
benchmarks/RESULTS.md."""

from __future__ import annotations

import pytest

from benchmarks.refresh.fast import InProcess, compiled_plan
from benchmarks.refresh.month import POLICIES, Look, detected_changes, run_month
from benchmarks.refresh.plan_sql import input_tables
from benchmarks.refresh.world import TARGETS, WEEKLY_DAYS, weekly_credits


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    plan = compiled_plan(tmp_path_factory.mktemp("refresh-plan"))
    return {policy: run_month(policy, InProcess(plan)) for policy in POLICIES}


def test_the_adaptive_plan_detects_at_least_1_2x_the_weekly_crons_changes_for_no_more_credits(
        months):
    weekly, adaptive = months["weekly"], months["adaptive"]
    assert adaptive.credits <= weekly.credits
    assert adaptive.detected >= 1.2 * weekly.detected, (
        f"adaptive {adaptive.detected} changes for {adaptive.credits} credits, weekly "
        f"{weekly.detected} for {weekly.credits}")


def test_the_weekly_cron_looks_at_every_target_on_its_days_and_spends_the_plans_budget(months):
    weekly = months["weekly"]
    assert weekly.days_looked == list(WEEKLY_DAYS)
    assert weekly.lookups == len(TARGETS) * len(WEEKLY_DAYS)
    assert weekly.credits == weekly_credits() == 180


def test_the_plan_looks_at_fast_movers_more_often_than_weekly_and_at_quiet_ones_less(months):
    adaptive = months["adaptive"]
    fast = [t for t in TARGETS if t.p >= 0.05]
    quiet = [t for t in TARGETS if t.p < 0.05]
    assert all(adaptive.lookups_of(t) > len(WEEKLY_DAYS) for t in fast)
    assert all(adaptive.lookups_of(t) < len(WEEKLY_DAYS) for t in quiet)


def test_detected_changes_count_gains_and_losses_after_each_targets_first_snapshot():
    target, other = TARGETS[0], TARGETS[1]
    looks = [Look(0, target, frozenset("abc"), "r1"), Look(3, target, frozenset("bcd"), "r2"),
             Look(9, target, frozenset("d"), "r3"), Look(0, other, frozenset("xy"), "r4")]
    assert detected_changes(looks) == 2 + 2
    changes, snapshots = input_tables(looks)
    rows = changes.to_pylist()
    assert [(r["gained"], r["lost"]) for r in rows if r["target_username"] == target.username] \
        == [(3, 0), (1, 1), (0, 2)]
    assert snapshots.num_rows == 4
