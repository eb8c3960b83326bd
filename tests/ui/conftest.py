"""One real stack for the whole UI suite: ``social-graph dev`` with the simulator, a fresh
instance, and Debian's Chromium through Playwright.

Artifacts (screenshots, the server log, report.json) go to ``tests/ui/artifacts/`` or to
``$SOCIAL_UI_ARTIFACTS``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.ui import queries as q
from tests.ui.browser import CHROMIUM, CHROMIUM_ARGS, Ui
from tests.ui.stack import LOCATION, Stack, StackError

# The contract of targets.example.yaml.
ACCOUNTS = {"tw_janedoe", "tw_dagster_io", "tw_duckdb", "tw_nasa", "tw_quiet_account",
            "ig_jane.doe", "ig_natgeo"}
FOLLOWERS_ONLY = {"tw_duckdb", "ig_natgeo"}  # rows with `collect: [followers]`
BOTH_LISTS = ACCOUNTS - FOLLOWERS_ONLY
POSTS = {"tw_1786123456789012345", "tw_1801234567890123456", "tw_1803000000000000042"}
COLLECTION_JOBS = ("accounts_job", "posts_job")

# Generous deadlines: 2 cores, possibly at load average 8.
FIRST_BATCH_DEADLINE_S = 480
WAREHOUSE_DEADLINE_S = 600


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = Path(os.environ.get("SOCIAL_UI_ARTIFACTS") or Path(__file__).parent / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def report(artifacts):
    """Observations the tests record (run counts, what rendered); written to report.json."""
    data: dict = {}
    yield data
    (artifacts / "report.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


@pytest.fixture(scope="session")
def stack(tmp_path_factory, artifacts, report):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (make test installs Debian's chromium)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    started = time.monotonic()
    stack = Stack(tmp_path_factory.mktemp("ui-stack"), artifacts)
    stack.start()
    try:
        stack.loaded_entry = stack.wait_until_loaded()
        report["stack_ready_s"] = round(time.monotonic() - started, 1)
        # The UI's community dialog would cover every page: dismiss it once for the instance.
        stack.gql(q.SET_NUX_SEEN)
        yield stack
    finally:
        left = stack.stop()
        report["processes_left_after_stop"] = left
    assert not left, f"processes of the stack still alive after stop(): {left}"


@pytest.fixture(scope="session")
def browser(stack):
    from playwright.sync_api import sync_playwright

    # Never `playwright install`: the browser is Debian's, the driver is in the wheel.
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def ui(browser, stack, artifacts):
    page = Ui(browser, stack.base_url, artifacts)
    yield page
    page.close()


def _terminal(run: dict) -> bool:
    return run["status"] not in q.IN_FLIGHT


@pytest.fixture(scope="session")
def first_batch(stack) -> dict:
    """The target list sensor's first tick and its runs, once every run of it has finished.

    Never raises on a product failure (the test of the sensor asserts on what is returned);
    only a dead or silent stack ends it early.
    """
    gql = stack.gql

    def first_tick():
        sensor = q.sensor(gql, "target_list_sensor")
        if sensor["__typename"] != "Sensor":
            return ("missing", f"{sensor['__typename']}: {sensor.get('message')}")
        done = [t for t in sensor["sensorState"]["ticks"] if t["status"] != "STARTED"]
        return ("tick", min(done, key=lambda t: t["timestamp"])) if done else None

    kind, tick = stack.wait_for("the first tick of target_list_sensor", first_tick,
                                FIRST_BATCH_DEADLINE_S)
    if kind == "missing":
        return {"tick": None, "runs": [], "error": tick}

    def finished():
        runs = [q.run(gql, run_id) for run_id in tick["runIds"]]
        collecting = [r for job in COLLECTION_JOBS for r in q.runs(gql, job)]
        if all(_terminal(r) for r in runs + collecting):
            return runs or [None]
        return None

    runs = stack.wait_for("the first tick's collection runs to finish", finished,
                          FIRST_BATCH_DEADLINE_S)
    return {"tick": tick, "runs": [r for r in runs if r], "error": None}


@pytest.fixture(scope="session")
def warehouse_first(stack, first_batch, report) -> dict:
    """The warehouse_job run(s) that warehouse_sensor launched for the first batch, once they
    have finished and the sensor has looked at the settled state once more (so that a second
    launch for the same batch would already show).

    Returns ``error`` instead of raising, so that the tests that only need a quiet stack
    (backfills, launchRun) still run when the warehouse sensor misbehaves.
    """
    gql = stack.gql
    sensor = q.sensor(gql, "warehouse_sensor")
    if sensor["__typename"] != "Sensor":
        return {"runs": [], "error": f"no sensor warehouse_sensor in {LOCATION}: "
                                     f"{sensor['__typename']}: {sensor.get('message')}"}
    collection_end = max([r["endTime"] or 0 for job in COLLECTION_JOBS
                          for r in q.runs(gql, job)] or [0])

    def settled():
        runs = q.runs(gql, "warehouse_job")
        if not runs or not all(_terminal(r) for r in runs):
            return None
        latest_end = max([collection_end] + [r["endTime"] or 0 for r in runs])
        ticks = q.sensor(gql, "warehouse_sensor")["sensorState"]["ticks"]
        if any(t["status"] != "STARTED" and t["timestamp"] > latest_end for t in ticks):
            return runs
        return None

    try:
        runs = stack.wait_for("warehouse_sensor's warehouse_job run(s) to finish and settle",
                              settled, WAREHOUSE_DEADLINE_S, interval_s=3.0)
    except StackError as exc:
        return {"runs": q.runs(gql, "warehouse_job"), "error": str(exc)}
    runs = sorted(runs, key=lambda r: r["creationTime"])
    report["warehouse_job_runs_for_first_batch"] = [
        {"runId": r["runId"], "status": r["status"],
         "sensor": q.tags_of(r).get("dagster/sensor_name")} for r in runs]
    return {"runs": runs, "error": None}
