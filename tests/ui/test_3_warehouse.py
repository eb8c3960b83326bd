"""The warehouse sensor rebuilds the warehouse once after the first batch."""

from __future__ import annotations

import pytest

from tests.ui import queries as q
from tests.ui import readers as read
from tests.ui.contract import EXPORT, MARTS, STAGING

pytestmark = pytest.mark.timeout(900)


def test_warehouse_sensor_builds_the_warehouse_after_the_first_batch(stack, warehouse_first):
    gql = stack.gql
    assert warehouse_first["error"] is None, (
        f"{warehouse_first['error']}\nwarehouse_job runs: "
        f"{read.describe_runs(gql, warehouse_first['runs'])}")
    runs = warehouse_first["runs"]
    assert all(read.tags_of(r).get("dagster/sensor_name") == "warehouse_sensor" for r in runs), (
        [read.tags_of(r) for r in runs])
    assert runs[-1]["status"] == "SUCCESS", read.describe_runs(gql, runs)

    nodes = stack.gql(q.ASSET_NODES)["assetNodes"]
    models = sorted("/".join(n["assetKey"]["path"]) for n in nodes if n["groupName"] == "warehouse")
    assert set(STAGING.values()) | set(MARTS) <= set(models), models
    unbuilt = [a for a in [*models, EXPORT] if not read.materializations(gql, a, limit=1)]
    assert not unbuilt, f"never materialized: {unbuilt}"


def test_one_warehouse_run_for_the_first_batch(stack, warehouse_first, report):
    runs = warehouse_first["runs"]
    report["warehouse_job_runs_first_batch_count"] = len(runs)
    print(f"warehouse_job runs launched for the first batch: {len(runs)}")
    assert warehouse_first["error"] is None, warehouse_first["error"]
    assert len(runs) == 1, (
        f"{len(runs)} warehouse_job runs for one batch (the sensor should wait until no "
        f"collection run is in flight): {read.describe_runs(stack.gql, runs)}")
