"""The acceptance test of the shared budget: three processes, one API account, one store.

Three real OS processes (``spawn``) each run 100 lookups the way a run does (``LookupService``
with its own ledger), against one simulator over HTTP, their limiters sharing a Redis or a
SQLite store. Together they stay within the provider's windows (the simulator's own request
log says so), meet no 429, and take little longer than the limits force: the bound is
computed from the requests they actually made, and the wall time runs from the first request
to the end of the last process's lookups (the processes' start-up is not the limiter's doing;
the time from the barrier's release is reported too).

Time is scaled like the simulator's: a provider "minute" lasts 5 s, an "hour" 300 s, and the
client's safety margin is the production one scaled (1 s per 60 s minute). The simulator's
world is built before the processes start, so its one-off cost is not in the measure.

Each window loses one burst's response time (a slot is stamped when its answer arrives: 50-100 ms
here, a few hundred at load 8); a 5 s minute keeps that inside the 1.15x the issue asks for on a
loaded machine (3 s windows measured 1.03-1.13x at load 5).
"""

import bisect
import dataclasses
import multiprocessing
import time
import uuid
from pathlib import Path

import pytest

from simulator import SimulatorConfig, SimulatorServer
from tests.client.conftest import API_KEY, API_SECRET, FAST
from tests.redisdb import scratch_prefix

SCALE = 1 / 12
PER_MINUTE, MINUTE_S = 60, 60 * SCALE
PER_HOUR, HOUR_S = 1000, 3600 * SCALE
PROCESSES, LOOKUPS = 3, 100
TARGETS = ["janedoe", "dagster_io", "duckdb", "jack", "quiet_account", "nasa"]
SETTINGS = dataclasses.replace(
    FAST, request_timeout_s=10.0, lookup_timeout_s=120.0, rate_per_minute=PER_MINUTE,
    minute_window_s=MINUTE_S, rate_per_hour=PER_HOUR, hour_window_s=HOUR_S,
    rate_safety_margin_s=MINUTE_S / 60)  # fmt: skip


def requests_of(process: int):
    from resources.nyne import LookupRequest

    return {f"p{process}/{i}": LookupRequest("twitter", "followers", username=TARGETS[i % 6],
                                             max_results=10 + 20 * process + i // 6)
            for i in range(LOOKUPS)}


def one_process(index, sim_url, store_url, root, barrier, results):
    """A run's lookups in a process of its own; puts (index, start, end, ok, errors)."""
    from resources.lookups import DurableLookups, LookupService, landing_dir
    from resources.lookups.journal import RequestJournal
    from resources.lookups.ledger import RequestLedger
    from resources.nyne import NyneClient

    root = Path(root)
    client = NyneClient(sim_url, API_KEY, API_SECRET, settings=SETTINGS, rate_limit_url=store_url)
    client.limiter.store.check()
    ledger = RequestLedger(f"sqlite:///{root / 'ledger.sqlite'}")
    lookups = DurableLookups(client, ledger, landing_dir(root), f"run-{index}",
                             journal=RequestJournal(root / "journal.jsonl"))
    service = LookupService(client, lookups, max_in_flight=8)
    requests = requests_of(index)
    barrier.wait(120)
    start, ok, errors = time.time(), 0, []
    for result in service.collect(requests):
        ok += result.ok
        if not result.ok:
            errors.append(result.message)
        service.done(result)
    results.put((index, start, time.time(), ok, errors[:3]))


def max_in_window(stamps, window):
    stamps = sorted(stamps)
    return max(bisect.bisect_left(stamps, s + window) - i for i, s in enumerate(stamps))


def bound_s(n):
    """The least time n requests take under the limits: the n-th can go no sooner."""
    return max((n - 1) // PER_MINUTE * MINUTE_S, (n - 1) // PER_HOUR * HOUR_S)


def run_three(store_url, tmp_path):
    config = SimulatorConfig(time_scale=SCALE, latency_s=(1.0, 2.0), api_key=API_KEY,
                             api_secret=API_SECRET, rate_per_minute=PER_MINUTE,
                             rate_per_hour=PER_HOUR)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    with SimulatorServer(config, port=0) as sim:
        for username in TARGETS:  # the world's graph, built once per process, is built now
            sim.world.followers("twitter", username, config.epoch)
        workers = [ctx.Process(target=one_process, args=(
            i, sim.url, store_url, str(tmp_path / f"run{i}"), barrier, results))
            for i in range(PROCESSES)]  # fmt: skip
        for w in workers:
            w.start()
        outcomes = [results.get(timeout=600) for _ in workers]
        for w in workers:
            w.join(60)
        log = [r for r in sim.request_log if r.path == "/person/interactions"]
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    return outcomes, log


@pytest.mark.parametrize("store", ["redis", "sqlite"])
def test_three_processes_share_one_budget_within_every_window_and_near_the_bound(
        store, tmp_path, record_property):
    if store == "redis":
        with scratch_prefix() as (url, _prefix, _client):
            outcomes, log = run_three(url, tmp_path)
    else:
        outcomes, log = run_three(f"sqlite:///{tmp_path / 'rate.sqlite'}", tmp_path)

    assert [(o[3], o[4]) for o in sorted(outcomes)] == [(LOOKUPS, [])] * PROCESSES
    assert len([r for r in log if r.method == "POST"]) == PROCESSES * LOOKUPS
    assert [r for r in log if r.status == 429] == []
    stamps = [r.at for r in log]
    per_minute, per_hour = max_in_window(stamps, MINUTE_S), max_in_window(stamps, HOUR_S)
    assert per_minute <= PER_MINUTE and per_hour <= PER_HOUR
    end, released = max(o[2] for o in outcomes), min(o[1] for o in outcomes)
    wall, bound = end - min(stamps), bound_s(len(log))
    figures = (f"{store}: {len(log)} requests, max {per_minute}/{PER_MINUTE} per minute window, "
               f"{per_hour}/{PER_HOUR} per hour window, 0 429s, wall {wall:.2f} s vs bound "
               f"{bound:.2f} s ({wall / bound:.3f}x; {end - released:.2f} s from the barrier)")
    record_property("figures", figures)
    print(figures)
    assert wall <= 1.15 * bound, figures
