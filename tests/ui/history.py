"""Session fixtures for the history the sensors build on the fresh stack: the target list
sensor's first batch, then the warehouse_job run(s) the warehouse sensor launches after it."""

from __future__ import annotations

import pytest

from tests.ui import readers as read
from tests.ui.contract import COLLECTION_JOBS
from tests.ui.queries import LOCATION
from tests.ui.stack import StackError

# Generous deadlines: 2 cores, possibly at load average 8.
FIRST_BATCH_DEADLINE_S = 480
WAREHOUSE_DEADLINE_S = 600


@pytest.fixture(scope="package")
def first_batch(stack) -> dict:
    """The target list sensor's first tick and its runs, once every run of it has finished.

    Never raises on a product failure (the test of the sensor asserts on what is returned);
    only a dead or silent stack ends it early.
    """
    gql = stack.gql

    def first_tick():
        sensor = read.sensor(gql, "target_list_sensor")
        if sensor["__typename"] != "Sensor":
            return ("missing", f"{sensor['__typename']}: {sensor.get('message')}")
        done = [t for t in sensor["sensorState"]["ticks"] if t["status"] != "STARTED"]
        return ("tick", min(done, key=lambda t: t["timestamp"])) if done else None

    kind, tick = stack.wait_for("the first tick of target_list_sensor", first_tick,
                                FIRST_BATCH_DEADLINE_S)
    if kind == "missing":
        return {"tick": None, "runs": [], "error": tick}

    def finished():
        runs = [read.run(gql, run_id) for run_id in tick["runIds"]]
        collecting = [r for job in COLLECTION_JOBS for r in read.runs(gql, job)]
        if all(read.terminal(r) for r in runs + collecting):
            return runs or [None]
        return None

    runs = stack.wait_for("the first tick's collection runs to finish", finished,
                          FIRST_BATCH_DEADLINE_S)
    return {"tick": tick, "runs": [r for r in runs if r], "error": None}


@pytest.fixture(scope="package")
def warehouse_first(stack, first_batch, report) -> dict:
    """The warehouse_job run(s) that warehouse_sensor launched for the first batch, once they
    have finished and the sensor has looked at the settled state once more (so that a second
    launch for the same batch would already show).

    Returns ``error`` instead of raising, so that the tests that only need a quiet stack
    (backfills, launchRun) still run when the warehouse sensor misbehaves.
    """
    gql = stack.gql
    sensor = read.sensor(gql, "warehouse_sensor")
    if sensor["__typename"] != "Sensor":
        return {"runs": [], "error": f"no sensor warehouse_sensor in {LOCATION}: "
                                     f"{sensor['__typename']}: {sensor.get('message')}"}
    collection_end = max([r["endTime"] or 0 for job in COLLECTION_JOBS
                          for r in read.runs(gql, job)] or [0])

    def settled():
        runs = read.runs(gql, "warehouse_job")
        if not runs or not all(read.terminal(r) for r in runs):
            return None
        latest_end = max([collection_end] + [r["endTime"] or 0 for r in runs])
        ticks = read.sensor(gql, "warehouse_sensor")["sensorState"]["ticks"]
        if any(t["status"] != "STARTED" and t["timestamp"] > latest_end for t in ticks):
            return runs
        return None

    try:
        runs = stack.wait_for("warehouse_sensor's warehouse_job run(s) to finish and settle",
                              settled, WAREHOUSE_DEADLINE_S, interval_s=3.0)
    except StackError as exc:
        return {"runs": read.runs(gql, "warehouse_job"), "error": str(exc)}
    runs = sorted(runs, key=lambda r: r["creationTime"])
    report["warehouse_job_runs_for_first_batch"] = [
        {"runId": r["runId"], "status": r["status"],
         "sensor": read.tags_of(r).get("dagster/sensor_name")} for r in runs]
    return {"runs": runs, "error": None}
