"""PROJECT: ``social-graph dev --no-simulator`` (webserver + daemon, fresh ``DAGSTER_HOME``) on
the shared stack of the browser suite, the N partitions registered in the instance, then the
``launchPartitionBackfill`` mutation exactly as the UI's "Materialize -> Launch backfill" sends
it, awaited to its completion and read back from what was stored."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

from benchmarks.ui_backfill.own_work import replay_own_work
from benchmarks.ui_backfill.project import Project
from benchmarks.ui_backfill.provenance import fmt_load, loadavg
from benchmarks.ui_backfill.settings import (ASSETS, BACKFILL_DEADLINE_S, PARTITIONS_DEF,
                                             POLL_S, READY_DEADLINE_S, nyne_config)
from benchmarks.ui_backfill.sim import api_env, sim_stats
from benchmarks.ui_backfill.timeline import daemon_log, materialized_counts, read_timeline
from tests.ui import queries as q
from tests.ui import readers as read
from tests.ui.stack import Stack, StackError

DAEMONS = {"BACKFILL", "QUEUED_RUN_COORDINATOR"}


def wait_ready(stack: Stack) -> None:
    """The code location loaded without an error, the backfill and run-queue daemons
    healthy."""
    entry = stack.wait_until_loaded(READY_DEADLINE_S, interval_s=1.0)
    loc = entry["locationOrLoadError"] or {}
    if loc.get("__typename") != "RepositoryLocation":
        raise StackError(f"code location {q.LOCATION} failed to load: {loc.get('message')}")
    stack.wait_for("the backfill and run-queue daemons to be healthy",
                   lambda: DAEMONS <= read.healthy_daemons(stack.gql), READY_DEADLINE_S,
                   interval_s=1.0)


def _launch_and_wait(stack: Stack, result: Project, keys: list[str], scale: float,
                     say: Callable[[str], None]) -> None:
    import yaml

    params = {
        "tags": [{"key": "dagster/from_ui", "value": "true"}],
        "assetSelection": [{"path": [a]} for a in ASSETS],
        "partitionNames": keys,
        "fromFailure": False,
        "runConfigData": yaml.safe_dump(
            {"resources": {"nyne": {"config": nyne_config(scale)}}}, sort_keys=False),
    }
    result.load_before = loadavg()
    say(f"  project N={result.n}: launching the backfill (load {fmt_load(result.load_before)})")
    result.t0 = time.time()
    launched = stack.gql(q.LAUNCH_BACKFILL, backfillParams=params)["launchPartitionBackfill"]
    if launched["__typename"] != "LaunchBackfillSuccess":
        raise StackError(f"launchPartitionBackfill: {json.dumps(launched)[:2000]}")
    result.backfill_id = launched["backfillId"]

    def finished():  # the light poll: nothing that grows with N
        b = read.backfill(stack.gql, result.backfill_id, full=False)
        return b if b["status"] in read.BACKFILL_DONE else None

    backfill = stack.wait_for("the backfill to complete", finished, BACKFILL_DEADLINE_S,
                              interval_s=POLL_S)
    result.t_observed_done = time.time()
    result.status = backfill["status"]
    result.backfill_ts = backfill["timestamp"]
    result.backfill_end = backfill["endTimestamp"]
    if backfill.get("error"):
        result.error = backfill["error"]["message"]
    result.runs = sorted(backfill["runs"] or [], key=lambda r: r["creationTime"])
    result.all_runs = read.runs(stack.gql, limit=1000)
    if result.run:
        result.run_stats = read.run(stack.gql, result.run["runId"], full=False)


def run_project(n: int, usernames: list[str], scale: float, workdir: Path,
                keep_warehouse_sensor: bool, say: Callable[[str], None]) -> Project:
    from simulator import SimulatorConfig, SimulatorServer

    result = Project(n=n)
    keys = [f"tw_{u}" for u in usernames]
    with SimulatorServer(SimulatorConfig(time_scale=scale), port=0) as sim:
        stack = Stack(workdir, workdir / "social-graph-dev.log", targets="targets: []\n",
                      api_env=api_env(sim))
        setup_started = time.monotonic()
        try:
            stack.start()
            wait_ready(stack)
            if not keep_warehouse_sensor:
                result.warehouse_sensor = read.stop_sensor(stack.gql, "warehouse_sensor")
            import dagster as dg

            with dg.DagsterInstance.from_config(str(stack.home)) as instance:
                instance.add_dynamic_partitions(PARTITIONS_DEF, keys)
            registered = read.partition_keys(stack.gql, "followers")
            if registered != keys:
                raise StackError(f"{len(registered)} partition keys registered, expected {n}")
            result.setup_s = time.monotonic() - setup_started
            _launch_and_wait(stack, result, keys, scale, say)
        except Exception as exc:  # noqa: BLE001 - reported with evidence
            result.error = f"{type(exc).__name__}: {exc}"
            say(f"  project N={n}: ERROR {result.error}\n{stack.log_tail(30)}")
        finally:
            result.leftover_pids = stack.stop()
        result.sim = sim_stats(sim)
    if result.backfill_id:
        result.backfill_log = daemon_log(stack.log_path, result.backfill_id)
        result.evaluations = [t for t, m in result.backfill_log
                              if m.startswith("Evaluating asset backfill")]
    if result.run:
        try:
            result.timeline = read_timeline(stack.home, result.run["runId"])
            result.materialized_partitions = materialized_counts(stack.home)
        except Exception as exc:  # noqa: BLE001
            result.error = (result.error or "") + f" (event log: {type(exc).__name__}: {exc})"
    try:
        result.own_work = replay_own_work(stack.data, workdir / "replay")
    except Exception as exc:  # noqa: BLE001
        say(f"  (the replay of the project's own per-key work failed: {type(exc).__name__}: {exc})")
    return result
