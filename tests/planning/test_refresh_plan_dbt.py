"""The refresh plan built by real dbt runs on real snapshots, on DuckDB and PostgreSQL.

Three targets: ``fast`` (half its followers replaced every day), ``quiet`` (one follower more
a week) and ``new`` (one snapshot: the population's rate). The plan must spend the budget on
``fast`` within the floor, keep ``quiet`` at the ceiling, and schedule each from its last look.
"""

from datetime import datetime, timedelta, timezone

import pytest

from tests.dbt.conftest import data_dir, query, run_dbt, write_edge_snapshot  # noqa: F401 (fixture)

DAY0 = datetime(2024, 3, 1, tzinfo=timezone.utc)


def _collect(data_dir):
    fast = [f"f{i}" for i in range(100)]
    for day in range(0, 15, 7):  # days 0, 7, 14: 50 of 100 replaced each time
        listed = fast[day // 7 * 50 % 100:][:50] + [f"n{day}_{i}" for i in range(50)]
        write_edge_snapshot(data_dir, "followers", "twitter", "fast", listed,
                            DAY0 + timedelta(days=day), f"fast_{day}")
    quiet = [f"q{i}" for i in range(100)]
    for week in range(3):
        write_edge_snapshot(data_dir, "followers", "twitter", "quiet", quiet + [f"x{week}"],
                            DAY0 + timedelta(days=7 * week), f"quiet_{week}")
    write_edge_snapshot(data_dir, "followers", "instagram", "new", ["a", "b", "c"],
                        DAY0 + timedelta(days=14), "new_0")
    write_edge_snapshot(data_dir, "following", "instagram", "new", ["z"],
                        DAY0 + timedelta(days=14), "new_0")


def _plan(data_dir):
    rows = query(data_dir, "select platform, target_username, refreshes_per_month, "
                           "credits_per_month, next_refresh_at, last_snapshot_at, rate_source, "
                           "plan_budget_credits, plan_credits_per_month from refresh_plan")
    return {r[1]: r for r in rows}


def test_the_budget_goes_to_the_fast_mover_within_floor_and_ceiling(data_dir):
    _collect(data_dir)
    run_dbt(["build", "--vars", '{"monthly_credits": 48, "refresh_floor_days": 2, '
                                '"refresh_ceiling_days": 30}'], data_dir)
    plan = _plan(data_dir)
    assert set(plan) == {"fast", "quiet", "new"}
    # 16 lookups: one each at the ceiling, the other 13 on fast, at most 15 (every 2 days).
    assert plan["quiet"][2] == 1
    assert plan["fast"][2] > plan["new"][2] >= 1
    assert plan["fast"][2] <= 15
    assert sum(r[3] for r in plan.values()) <= 48
    assert plan["fast"][8] == sum(r[3] for r in plan.values())
    assert plan["new"][6] == "population" and plan["fast"][6] == "own snapshots"
    for name, row in plan.items():
        interval = timedelta(days=30 / row[2])
        assert abs((row[4] - row[5]) - interval) < timedelta(seconds=1), name
    assert plan["fast"][5] == DAY0 + timedelta(days=14)


def test_without_a_budget_the_plan_spends_what_the_weekly_cron_would(data_dir):
    _collect(data_dir)
    run_dbt(["build"], data_dir,
            extra_env={"SOCIAL_MONTHLY_CREDITS": ""})
    plan = _plan(data_dir)
    assert {r[7] for r in plan.values()} == {39}  # ceil(3 targets * 3 credits * 30 / 7)
    assert sum(r[3] for r in plan.values()) <= 39


@pytest.mark.parametrize("knobs, message", [
    ('{"monthly_credits": "lots"}', "monthly_credits (or $SOCIAL_MONTHLY_CREDITS) must be a whole number"),
    ('{"refresh_floor_days": 10, "refresh_ceiling_days": 5}', "must be positive and at most refresh_ceiling_days"),
    ('{"refresh_floor_days": "-1"}', "refresh_floor_days (or $SOCIAL_REFRESH_FLOOR_DAYS) must be a non-negative number"),
])
def test_a_bad_knob_fails_the_build_naming_it(data_dir, knobs, message):
    _collect(data_dir)
    result = run_dbt(["compile", "--select", "refresh_plan", "--vars", knobs], data_dir,
                     check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
