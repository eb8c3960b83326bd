"""The opt-in ``expansion_proposal`` asset: materialized by hand, it writes the proposal and
shows it, and touches neither the target list nor any run but its own."""

import dagster as dg
import pytest

from resources.storage import SocialStorage
from resources.target_list import TargetListResource
from social_assets.expansion.asset import build_expansion_proposal
from social_assets.targets import parse_targets
from social_graph.definitions import defs

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
LIST = b"# our list\ntargets:\n  - url: https://x.com/alice\n  - {platform: twitter, username: p1}\n"


def _materialize(instance, data_dir, state_dir, targets, credits=None, raise_on_error=True):
    config = {"credits": credits} if credits is not None else {}
    return dg.materialize(
        [build_expansion_proposal("0 6 * * 1")], instance=instance,
        run_config={**QUIET, "ops": {"expansion_proposal": {"config": config}}},
        resources={"storage": SocialStorage(data_dir=str(data_dir), state_dir=str(state_dir)),
                   "target_list": TargetListResource(path=str(targets))},
        raise_on_error=raise_on_error)


def test_materializing_writes_the_proposal_and_shows_it_leaving_the_list_alone(built, tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_bytes(LIST)
    with dg.instance_for_test() as instance:
        result = _materialize(instance, built, tmp_path / "state", targets, credits=10)
        assert result.success
        # Nothing launched, nothing registered: its own run is the instance's only one.
        assert [r.run_id for r in instance.get_runs()] == [result.run_id]
        assert instance.get_dynamic_partitions("accounts") == []
    assert targets.read_bytes() == LIST

    proposal = (tmp_path / "state" / "proposals" / "expansion.yaml").read_bytes()
    # p1 is already listed (accepted, not collected yet): the budget goes to the next three.
    assert [t.partition_key for t in parse_targets(proposal).targets] == [
        "tw_x1", "tw_p2", "tw_x2"]
    (event,) = result.asset_materializations_for_node("expansion_proposal")
    meta = {k: v.value for k, v in event.metadata.items()}
    assert (meta["credits_budgeted"], meta["credits_proposed"], meta["accounts_proposed"]) == (
        10, 9, 3)
    assert meta["already_listed"] == 1 and meta["candidates"] == 8
    assert meta["monthly_refresh_credits"] == pytest.approx(3 * 3 * 208 * 30 / 1461, abs=0.05)
    table = meta["proposal"].splitlines()
    assert table[0] == ("| row | rank | account | score | signals | first collection "
                        "| refreshes |")
    assert table[2].startswith("| 1 | 2 | `tw_x1` | 5 | followed by 1 target, follows 3, 1 mutual")
    assert "| 3 credits | 12.8 credits/month |" in table[2]
    assert len([line for line in table if line.startswith("|")]) == 5  # header, rule, 3 rows


def test_the_budget_defaults_to_the_environment(built, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIAL_EXPANSION_CREDITS", "6")
    with dg.instance_for_test() as instance:
        result = _materialize(instance, built, tmp_path / "state", tmp_path / "missing.yaml")
    (event,) = result.asset_materializations_for_node("expansion_proposal")
    assert event.metadata["credits_budgeted"].value == 6
    assert event.metadata["budget_source"].value == "$SOCIAL_EXPANSION_CREDITS"
    assert event.metadata["accounts_proposed"].value == 2


def test_without_a_warehouse_the_run_fails_saying_so(tmp_path):
    with dg.instance_for_test() as instance:
        result = _materialize(instance, tmp_path / "empty", tmp_path / "state",
                              tmp_path / "targets.yaml", raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "no DuckDB warehouse at" in failure.step_failure_data.error.message
    assert not (tmp_path / "state" / "proposals").exists()


def test_no_job_sensor_schedule_or_automation_runs_it():
    key = dg.AssetKey("expansion_proposal")
    graph = defs.resolve_asset_graph()
    assert graph.get(key).group_name == "expansion"
    assert graph.get(key).automation_condition is None
    assert graph.get(key).parent_keys == {dg.AssetKey("expansion_candidates")}
    for job in defs.jobs:
        assert key not in defs.resolve_job_def(job.name).asset_layer.selected_asset_keys, job.name
    for sensor in defs.sensors:
        assert not sensor.asset_selection or key not in sensor.asset_selection.resolve(graph)
    for schedule in defs.schedules:
        assert schedule.job_name != "__ASSET_JOB" and key not in defs.resolve_job_def(
            schedule.job_name).asset_layer.selected_asset_keys
