"""The adaptive refresh sensor on a real warehouse built by dbt from real snapshots.

The warehouse holds a plan for ``fast`` (changes fast: refreshed often), ``quiet`` (at the
ceiling) and ``new`` (one snapshot). The sensor must request exactly the listed, registered
targets that are due, once per snapshot the plan rests on, and show the plan in the UI.
"""

from datetime import timedelta

import dagster as dg
import pytest

from resources.lookups.ledger.resource import LedgerResource
from resources.storage import SocialStorage
from resources.target_list import TargetListResource
from sensors.adaptive_refresh import RETRY_AFTER, adaptive_refresh_sensor, evaluate
from social_assets.partitions import ACCOUNTS
from social_assets.refresh.plan_rows import read_plan
from social_assets.targets import parse_targets
from tests.dbt.conftest import run_dbt
from tests.planning.test_refresh_plan_dbt import DAY0, _collect

BUDGET = '{"monthly_credits": 48, "refresh_floor_days": 2, "refresh_ceiling_days": 30}'
TARGETS = ("targets:\n  - {platform: twitter, username: fast}\n"
           "  - {platform: twitter, username: quiet}\n"
           "  - {platform: instagram, username: new}\n")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    data = tmp_path_factory.mktemp("adaptive") / "data"
    from social_assets.parquet import ensure_schema_files

    ensure_schema_files(data / "raw")
    _collect(data)
    run_dbt(["build", "--vars", BUDGET], data)
    return data


@pytest.fixture
def setup(warehouse, tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text(TARGETS)
    resources = {"storage": SocialStorage(data_dir=str(warehouse)),
                 "target_list": TargetListResource(path=str(targets)),
                 "ledger": LedgerResource(url=f"sqlite:///{tmp_path / 'ledger.db'}")}
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(ACCOUNTS.name, ["tw_fast", "tw_quiet", "ig_new"])
        yield instance, resources, targets


def tick(instance, resources, cursor=None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources)
    return adaptive_refresh_sensor(context), context


def test_every_due_listed_target_is_requested_once_and_the_plan_is_observed(setup):
    instance, resources, _ = setup
    result, context = tick(instance, resources)
    # Every snapshot is from 2024: the whole plan is due now, in one run over the three keys.
    assert len(result.run_requests) == 1
    run = result.run_requests[0]
    assert run.job_name == "accounts_job"
    assert run.tags["dagster/asset_partition_range_start"] == "tw_fast"
    assert run.tags["dagster/asset_partition_range_end"] == "ig_new"
    assert run.tags["social/refresh"] == "adaptive"
    [observation] = result.asset_events
    assert observation.asset_key == dg.AssetKey(["refresh_plan"])
    meta = observation.metadata
    assert meta["monthly_budget_credits"].value == 48
    assert meta["credits_planned_this_month"].value <= 48
    assert meta["targets_planned"].value == 3 and meta["targets_due"].value == 3
    assert "tw_fast" in meta["plan"].value and "(due)" in meta["plan"].value

    # The next tick: nothing new has landed, so nothing is asked again, nor observed again.
    again, _ = tick(instance, resources, result.cursor)
    assert not again.run_requests and not again.asset_events
    assert again.skip_reason


def test_only_targets_in_the_list_and_registered_are_requested(setup):
    instance, resources, targets = setup
    targets.write_text("targets:\n  - {platform: twitter, username: quiet}\n"
                       "  - {platform: twitter, username: unregistered}\n")
    result, _ = tick(instance, resources)
    assert [r.partition_key for r in result.run_requests] == ["tw_quiet"]


def test_a_target_is_due_when_its_planned_interval_has_passed(setup):
    instance, resources, _ = setup
    plan = {r.partition_key: r for r in read_plan(resources["storage"].settings())}
    fast, quiet = plan["tw_fast"], plan["tw_quiet"]
    assert fast.refresh_interval_days < quiet.refresh_interval_days
    targets = parse_targets(resources["target_list"].read_bytes(), name="targets.yaml")
    rows = list(plan.values())

    def due_at(now, cursor=None):
        context = dg.build_sensor_context(instance=instance, cursor=cursor)
        result = evaluate(context, targets, rows, now)
        keys = [r.partition_key or r.tags.get("dagster/asset_partition_range_start")
                for r in result.run_requests]
        return keys, result

    just_before = fast.next_refresh_at - timedelta(seconds=1)
    assert due_at(just_before)[0] == []
    keys, first = due_at(fast.next_refresh_at)
    assert keys == ["tw_fast"]
    # Asked for and not landed: not asked again at once, asked again after RETRY_AFTER.
    assert due_at(fast.next_refresh_at + timedelta(hours=1), first.cursor)[0] == []
    assert due_at(fast.next_refresh_at + RETRY_AFTER, first.cursor)[0] == ["tw_fast"]
    assert quiet.next_refresh_at == DAY0 + timedelta(days=14 + 30)


def test_what_the_month_has_spent_caps_what_is_requested(setup):
    instance, resources, _ = setup
    plan = read_plan(resources["storage"].settings())
    targets = parse_targets(resources["target_list"].read_bytes(), name="targets.yaml")
    now = max(r.next_refresh_at for r in plan)  # all three due
    context = dg.build_sensor_context(instance=instance)
    # 48 credits a month, 44 spent: one lookup left, for the target expected to show most.
    result = evaluate(context, targets, plan, now, spent=44)
    assert [r.partition_key for r in result.run_requests] == ["tw_fast"]
    [observation] = result.asset_events
    assert observation.metadata["targets_deferred_for_budget"].value == 2
    assert observation.metadata["credits_spent_this_month"].value == 44
    spent_out = evaluate(dg.build_sensor_context(instance=instance), targets, plan, now,
                         spent=48)
    assert not spent_out.run_requests


def test_the_sensor_counts_the_ledger_s_credits_of_this_month(setup):
    from datetime import datetime, timezone

    from sensors.adaptive_refresh import month_start

    instance, resources, _ = setup
    ledger = resources["ledger"].open(resources["storage"].settings().data_dir)
    for n in range(16):  # 16 lookups of 3 credits this month: the 48 are spent
        got = ledger.acquire(target=f"t{n}", params={"username": f"t{n}"}, run_id="r")
        ledger.submitted(got.entry.id, f"req{n}")
        ledger.landed(got.entry.id, 3)
    assert ledger.credits_since(month_start(datetime.now(timezone.utc))) == 48
    result, _ = tick(instance, resources)
    assert not result.run_requests


def test_no_warehouse_means_no_plan_yet(tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text(TARGETS)
    resources = {"storage": SocialStorage(data_dir=str(tmp_path / "empty")),
                 "target_list": TargetListResource(path=str(targets)),
                 "ledger": LedgerResource(url=f"sqlite:///{tmp_path / 'ledger.db'}")}
    with dg.instance_for_test() as instance:
        result, _ = tick(instance, resources)
    assert "no refresh plan yet" in result.skip_message


def test_a_budget_turns_the_accounts_schedule_into_the_sensor():
    from social_graph.definitions import build_definitions

    on = build_definitions(adaptive_refresh=True).get_repository_def()
    off = build_definitions(adaptive_refresh=False).get_repository_def()
    assert "adaptive_refresh_sensor" in {s.name for s in on.sensor_defs}
    assert {s.name for s in on.schedule_defs} == {"refresh_posts_schedule"}
    assert "adaptive_refresh_sensor" not in {s.name for s in off.sensor_defs}
    assert {s.name for s in off.schedule_defs} == {"refresh_posts_schedule",
                                                   "refresh_accounts_schedule"}


def test_the_plan_command_shows_the_budget_and_the_next_refreshes(warehouse, monkeypatch,
                                                                  tmp_path, capsys):
    import argparse
    import io

    from social_graph.cli import plan as plan_cli

    monkeypatch.setenv("SOCIAL_DATA_DIR", str(warehouse))
    monkeypatch.setenv("SOCIAL_LEDGER_URL", f"sqlite:///{tmp_path / 'ledger.db'}")
    out = io.StringIO()
    assert plan_cli.run(argparse.Namespace(limit=2), stdout=out) == 0
    text = out.getvalue()
    assert "budget: 48 credits a month" in text
    assert "due now: 3 targets" in text
    assert "| tw_fast |" in text or "| ig_new |" in text
    assert "... and 1 more targets" in text
    monkeypatch.setenv("SOCIAL_DATA_DIR", str(tmp_path / "nothing"))
    assert plan_cli.run(argparse.Namespace(limit=5), stdout=io.StringIO()) == 2
    assert "no DuckDB warehouse" in capsys.readouterr().err
