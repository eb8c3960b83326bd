"""The shared rate limiter against the simulator's real rate windows: a healthy run meets no 429."""

import asyncio

from resources.nyne import LookupRequest

TARGETS = ["janedoe", "dagster_io", "duckdb", "jack", "quiet_account", "nasa"]


def requests_for(n):
    return [LookupRequest("twitter", "followers", username=TARGETS[i % len(TARGETS)], max_results=10) for i in range(n)]


def run_all(make_client, reqs, **settings):
    async def go():
        async with make_client(**settings) as client:
            return await asyncio.gather(*(client.lookup(r) for r in reqs))

    return asyncio.run(go())


def test_a_burst_of_30_lookups_stays_under_the_limit_with_zero_429s(sim, make_client, api_log):
    sim.update(rate_per_minute=10, minute_window_s=100.0)  # 10 requests per 1 s window
    outcomes = run_all(
        make_client, requests_for(30), rate_per_minute=10, minute_window_s=1.0, poll_interval_s=0.05,
    )  # fmt: skip
    assert len(outcomes) == 30 and all(o.result is not None for o in outcomes)
    log = api_log()
    assert len(log) >= 60  # 30 submits and at least 30 polls all went through the limiter
    assert [r for r in log if r.status == 429] == []
    assert sum(o.credits for o in outcomes) == sim.credits_used


def test_a_client_with_a_too_generous_budget_obeys_the_providers_remaining_zero(sim, make_client, api_log):
    sim.update(rate_per_minute=4, minute_window_s=50.0)  # 4 requests per 0.5 s window

    async def go():
        async with make_client(poll_interval_s=0.05) as client:  # believes in 60 per 0.6 s
            for req in requests_for(5):  # one after another: the headers alone keep us out of 429s
                await client.lookup(req)

    asyncio.run(go())
    assert len(api_log()) >= 10
    assert [r for r in api_log() if r.status == 429] == []


def test_a_stream_of_429s_is_waited_out_and_every_lookup_completes(sim, make_client, api_log):
    sim.update(rate_per_minute=4, minute_window_s=50.0)
    outcomes = run_all(make_client, requests_for(6), poll_interval_s=0.05)  # the client believes in 60 per 0.6 s
    assert len(outcomes) == 6
    assert any(r.status == 429 for r in api_log())  # the scenario really met the provider's limit
    assert sum(o.credits for o in outcomes) == sim.credits_used == 15  # quiet_account is empty
