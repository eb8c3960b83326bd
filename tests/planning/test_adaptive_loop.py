"""The adaptive refresh loop through the real jobs: the sensor's request runs ``accounts_job``
against the simulator, ``warehouse_job`` rebuilds, and the plan moves on from the new snapshot.

The instance, the target list, the simulator (over HTTP), the Parquet, the dbt build on DuckDB
and the sensor are all real; only "now" is moved forward by hand (a plan's intervals are days).
"""

from datetime import timedelta

import dagster as dg

from resources.lookups.ledger.resource import LedgerResource
from sensors.adaptive_refresh import adaptive_refresh_sensor, evaluate
from social_assets.partitions import ACCOUNTS
from social_assets.refresh.plan_rows import read_plan
from social_assets.targets import parse_targets
from social_graph.definitions import build_definitions
from tests.dagster.conftest import (nyne, run_keys, sim, storage,  # noqa: F401 (fixtures)
                                   target_list_for)

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
KEYS = ["tw_janedoe", "tw_dagster_io"]


def test_a_due_target_is_refreshed_and_the_plan_moves_on(sim, nyne, storage, tmp_path,
                                                         monkeypatch):
    monkeypatch.setenv("SOCIAL_MONTHLY_CREDITS", "300")
    defs = build_definitions(adaptive_refresh=True)
    target_list = target_list_for(tmp_path, KEYS)
    ledger = LedgerResource(url=f"sqlite:///{tmp_path / 'ledger.db'}")
    resources = {"nyne": nyne, "storage": storage, "target_list": target_list, "ledger": ledger}
    accounts = defs.resolve_job_def("accounts_job")
    warehouse = defs.resolve_job_def("warehouse_job")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(ACCOUNTS.name, KEYS)
        for key in KEYS:
            assert accounts.execute_in_process(instance=instance, partition_key=key,
                                               resources=resources, run_config=QUIET).success
        assert warehouse.execute_in_process(instance=instance, resources=resources,
                                            run_config=QUIET).success
        plan = {r.partition_key: r for r in read_plan(storage.settings())}
        assert set(plan) == set(KEYS) and all(r.is_planned for r in plan.values())
        assert plan["tw_janedoe"].plan_budget_credits == 300

        # Just collected: nothing is due now, but the plan is shown.
        context = dg.build_sensor_context(instance=instance, resources=resources)
        now_tick = adaptive_refresh_sensor(context)
        assert not now_tick.run_requests
        [observation] = now_tick.asset_events
        assert observation.metadata["targets_planned"].value == 2

        # When the first next refresh comes, the sensor asks for exactly the targets due by
        # then, and the run it asks for is one the job executes: a refresh, paid, landed.
        later = min(r.next_refresh_at for r in plan.values())
        due = {k for k, r in plan.items() if r.next_refresh_at <= later}
        targets = parse_targets(target_list.read_bytes(), name="targets.yaml")
        result = evaluate(dg.build_sensor_context(instance=instance), targets,
                          list(plan.values()), later)
        [request] = result.run_requests  # the two keys are side by side: one range run
        assert set(run_keys(request, KEYS)[1]) == due
        assert request.tags["social/refresh"] == "adaptive"
        run = accounts.execute_in_process(instance=instance, partition_key=request.partition_key,
                                          tags=request.tags, resources=resources,
                                          run_config=QUIET)
        assert run.success
        refreshed = {e.partition for e in run.get_asset_materialization_events()}
        assert refreshed == due
        assert warehouse.execute_in_process(instance=instance, resources=resources,
                                            run_config=QUIET).success
        moved = {r.partition_key: r for r in read_plan(storage.settings())}
        # New snapshots: the plan counts from them, so at the same "later" nothing refreshed
        # is due again; what was not due keeps its schedule.
        for key in KEYS:
            if key in due:
                assert moved[key].last_snapshot_at > plan[key].last_snapshot_at
                assert moved[key].next_refresh_at > later
            else:
                assert moved[key].last_snapshot_at == plan[key].last_snapshot_at
        again = evaluate(dg.build_sensor_context(instance=instance, cursor=result.cursor),
                         targets, list(moved.values()), later)
        assert not again.run_requests
