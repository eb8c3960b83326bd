"""Runs the tests launch themselves through ``launchRun``: run config that keeps the
simulator's credentials out of what is stored, and the warehouse sensor's wait while a
collection run is in flight."""

from __future__ import annotations

import pytest

from tests.ui import queries as q
from tests.ui import readers as read
from tests.ui.waits import RUN_DEADLINE_S, wait_run

pytestmark = pytest.mark.timeout(900)


def test_launch_run_with_run_config_keeps_the_secrets_out(stack, first_batch, warehouse_first):
    from simulator import SimulatorConfig

    gql = stack.gql
    sim = SimulatorConfig()
    secrets = [sim.api_key, sim.api_secret]
    result = gql(q.LAUNCH_RUN, params={
        "selector": {**q.REPO, "jobName": "accounts_job"},
        "runConfigData": {"resources": {"nyne": {"config": {"max_results": 50}}}},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": "tw_janedoe"}]},
    })["launchRun"]
    assert result["__typename"] == "LaunchRunSuccess", result
    run = wait_run(stack, result["run"]["runId"])
    assert run["status"] == "SUCCESS", read.describe_runs(gql, [run])
    assert "max_results: 50" in run["runConfigYaml"], run["runConfigYaml"]

    made = read.materialized_by(run)
    assert ("followers", "tw_janedoe") in made, made
    mat = next(m for m in read.materializations(gql, "followers")
               if m["runId"] == run["runId"] and m["partition"] == "tw_janedoe")
    rows = {e["label"]: e.get("intValue") for e in mat["metadataEntries"]}["dagster/row_count"]
    assert rows <= 50, f"max_results 50 returned {rows} rows"

    stored = {"runConfigYaml": run["runConfigYaml"],
              "tags": " ".join(f"{t['key']}={t['value']}" for t in run["tags"]),
              "event log": "\n".join(read.run_messages(gql, run["runId"]))}
    leaks = [(where, s) for where, text in stored.items() for s in secrets if s in text]
    assert not leaks, f"simulator credentials stored with the run: {leaks}"


def test_warehouse_sensor_waits_while_a_collection_job_run_is_in_flight(stack, first_batch,
                                                                       warehouse_first):
    """The rule behind "one build per batch", checked without a race: while a run of
    posts_job is queued or running, the sensor (evaluated by a dry run from a cursor that
    makes every snapshot new) must skip, not build."""
    gql = stack.gql
    stack.wait_for("no run in flight", lambda: all(read.terminal(r) for r in read.runs(gql)),
                   RUN_DEADLINE_S, interval_s=3.0)
    launched = gql(q.LAUNCH_RUN, params={
        "selector": {**q.REPO, "jobName": "posts_job"},
        "executionMetadata": {"tags": [{"key": "dagster/partition",
                                        "value": "tw_1803000000000000042"}]},
    })["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    before = read.run(gql, run_id)["status"]
    tick = gql(q.SENSOR_DRY_RUN, selector={**q.REPO, "sensorName": "warehouse_sensor"},
               cursor="0")["sensorDryRun"]
    after = read.run(gql, run_id)["status"]
    finished = wait_run(stack, run_id)  # leave the stack quiet
    assert tick["__typename"] == "DryRunInstigationTick", tick
    evaluation = tick["evaluationResult"]
    assert before in read.IN_FLIGHT and after in read.IN_FLIGHT, (
        f"inconclusive: the posts_job run was {before} then {after} around the dry run")
    assert evaluation["error"] is None, evaluation["error"]
    assert evaluation["skipReason"] and not evaluation["runRequests"], (
        f"warehouse_sensor would build while posts_job run {run_id[:8]} is {after}: "
        f"skipReason={evaluation['skipReason']!r}, cursor -> {evaluation['cursor']!r}, "
        f"runRequests={evaluation['runRequests']}")
    assert finished["status"] == "SUCCESS", read.describe_runs(gql, [finished])
