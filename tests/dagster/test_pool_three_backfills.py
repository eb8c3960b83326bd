"""Three backfills at once on one instance whose ``nyne_api`` pool takes three steps: they run
together, and their shared rate budget keeps them, together, inside the provider's limits.

The path users take: a persistent SQLite instance (``open_instance`` on a fresh
``DAGSTER_HOME``, which gives the pools their limits), and three ``dagster asset materialize``
processes, each a single-run backfill of the raw account assets over four partitions, against
one simulator over HTTP. Their clients share the rate-limit store by default (the ledger's
SQLite file in the shared data dir). The simulator's ``hold_jobs`` is the barrier: no job ends
until the three steps hold their pool slots and their polls have made more requests than two
"minutes" allow, so the steps overlap and the limit is met by construction: the shared budget
must hold those polls to 20 a "minute".
"""

import bisect
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from simulator import SimulatorConfig, SimulatorServer
from social_assets.lookups import API_POOL
from social_assets.targets.model import account_key
from social_assets.warehouse import WAREHOUSE_POOL
from social_graph.cli.instance import POOL_LIMITS, open_instance
from tests.dagster.conftest import target_list_for

ROOT = Path(__file__).resolve().parents[2]
DAGSTER = str(Path(sys.executable).with_name("dagster"))
SCALE = 1 / 60  # a provider minute lasts 1 s
PER_MINUTE, MINUTE_S, PER_HOUR, HOUR_S = 20, 1.0, 1000, 60.0
RUNS, PARTITIONS = 3, 4


def max_in_window(stamps, window):
    stamps = sorted(stamps)
    return max(bisect.bisect_left(stamps, s + window) - i for i, s in enumerate(stamps))


def _events(instance, run_id, kind):
    return [e for e in instance.all_logs(run_id, of_type=kind)]


def _wait(what, done, processes, deadline_s=600.0):
    deadline = time.monotonic() + deadline_s
    while not done():
        for p in processes:
            assert p.poll() is None, f"a backfill ended early: {p.communicate()[0][-3000:]}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_the_pool_names_are_the_assets():
    assert set(POOL_LIMITS) == {API_POOL, WAREHOUSE_POOL}


def test_three_backfills_hold_the_api_pool_at_once_and_stay_inside_the_limits(
        tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = open_instance()  # fresh: dagster.yaml written, pool limits set
    limits = {p.name: p.limit for p in instance.event_log_storage.get_pool_limits()}
    assert limits == {API_POOL: 3, WAREHOUSE_POOL: 1}

    config = SimulatorConfig(time_scale=SCALE, latency_s=(1.0, 2.0), rate_per_minute=PER_MINUTE,
                             rate_per_hour=PER_HOUR)
    with SimulatorServer(config, port=0) as sim:
        names = [a.username for a in sim.world.accounts("twitter")][:RUNS * PARTITIONS]
        keys = [account_key("twitter", name) for name in names]
        instance.add_dynamic_partitions("accounts", keys)
        targets = target_list_for(tmp_path, keys)
        run_config = {"resources": {"nyne": {"config": {
            "max_results": 10, "poll_interval_s": 0.05, "poll_max_interval_s": 0.2,
            "request_timeout_s": 5.0, "rate_per_minute": PER_MINUTE, "minute_window_s": MINUTE_S,
            "rate_per_hour": PER_HOUR, "hour_window_s": HOUR_S}}}}
        env = {**os.environ, "DAGSTER_HOME": str(home), "SOCIAL_DATA_DIR": str(tmp_path / "data"),
               "NYNE_BASE_URL": sim.url, "NYNE_API_KEY": sim.config.api_key,
               "NYNE_API_SECRET": sim.config.api_secret, "SOCIAL_TARGETS_FILE": targets.path}
        env.pop("SOCIAL_RATE_LIMIT_URL", None)  # the default: the ledger's database
        sim.update(hold_jobs=True)
        backfills = [subprocess.Popen(
            [DAGSTER, "asset", "materialize", "-m", "social_graph.definitions", "--select",
             "followers,following", "--partition-range",
             f"{keys[i * PARTITIONS]}...{keys[(i + 1) * PARTITIONS - 1]}",
             "--config-json", json.dumps(run_config)],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for i in range(RUNS)]  # fmt: skip

        def started():
            runs = instance.get_runs()
            return len(runs) == RUNS and all(
                _events(instance, r.run_id, dg.DagsterEventType.STEP_START) for r in runs)

        _wait("the three API steps to start", started, backfills)
        holding = instance.event_log_storage.get_concurrency_info(API_POOL)
        # The jobs stay held until the three runs' polls have pressed on the shared budget
        # (more requests than two "minutes" allow), so the limit is met by construction.
        _wait("the polls to reach the limit", lambda: len(
            [r for r in sim.request_log if r.path == "/person/interactions"]) > PER_MINUTE * 2,
            backfills)
        sim.update(hold_jobs=False)
        outputs = [p.communicate(timeout=600)[0] for p in backfills]
        log = [r for r in sim.request_log if r.path == "/person/interactions"]

    assert [p.returncode for p in backfills] == [0] * RUNS, [o[-3000:] for o in outputs]
    assert holding.active_slot_count == 3  # the three steps held a slot each, at once
    runs = instance.get_runs()
    starts = [_events(instance, r.run_id, dg.DagsterEventType.STEP_START)[0].timestamp
              for r in runs]
    ends = [_events(instance, r.run_id, dg.DagsterEventType.STEP_SUCCESS)[0].timestamp
            for r in runs]
    assert max(starts) < min(ends)  # every step started before any ended
    # One ``followers,following`` lookup per account, each submitted once.
    assert len([r for r in log if r.method == "POST"]) == RUNS * PARTITIONS
    assert [r for r in log if r.status == 429] == []
    stamps = [r.at for r in log]
    assert max_in_window(stamps, MINUTE_S) <= PER_MINUTE
    assert max_in_window(stamps, HOUR_S) <= PER_HOUR
    assert len(log) > PER_MINUTE * 2  # the limit was met, not just never approached
    instance.dispose()
