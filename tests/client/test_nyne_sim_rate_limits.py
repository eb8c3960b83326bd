"""The shared rate limiter against the simulator's real rate windows: a healthy run meets no 429.

The lookups run the way production runs them (``run_lookups``: one ``LookupService``, one
client and its limiter for the run). The ledger submits identical lookups once, so each burst
is of distinct lookups: the targets, then the same targets with another ``max_results``.
"""

from resources.nyne import LookupRequest

TARGETS = ["janedoe", "dagster_io", "duckdb", "jack", "quiet_account", "nasa"]


def requests_for(n):
    return [LookupRequest("twitter", "followers", username=TARGETS[i % len(TARGETS)],
                          max_results=10 + i // len(TARGETS)) for i in range(n)]


def test_a_burst_of_30_lookups_stays_under_the_limit_with_zero_429s(sim, run_lookups, api_log):
    sim.update(rate_per_minute=10, minute_window_s=100.0)  # 10 requests per 1 s window
    reqs = requests_for(30)
    assert len(set(reqs)) == 30
    outcomes = run_lookups(
        reqs, max_in_flight=30, rate_per_minute=10, minute_window_s=1.0, poll_interval_s=0.05,
    )  # fmt: skip
    assert len(outcomes) == 30 and all(o.result is not None for o in outcomes)
    assert len({o.request_id for o in outcomes}) == 30
    assert len(api_log("POST")) == 30  # 30 submits ...
    assert len(api_log("GET")) >= 30  # ... and at least one poll each, all through the limiter
    assert [r for r in api_log() if r.status == 429] == []
    assert sum(o.credits for o in outcomes) == sim.credits_used == 25 * 3  # quiet_account is empty


def test_a_client_with_a_too_generous_budget_obeys_the_providers_remaining_zero(sim, run_lookups, api_log):
    sim.update(rate_per_minute=4, minute_window_s=50.0)  # 4 requests per 0.5 s window
    # One lookup at a time on a client that believes in 60 per 0.6 s: the headers alone keep
    # it out of 429s.
    outcomes = run_lookups(requests_for(5), max_in_flight=1, poll_interval_s=0.05)
    assert len(outcomes) == 5 and len(api_log("POST")) == 5
    assert len(api_log()) >= 10
    assert [r for r in api_log() if r.status == 429] == []


def test_a_stream_of_429s_is_waited_out_and_every_lookup_completes(sim, run_lookups, api_log):
    sim.update(rate_per_minute=4, minute_window_s=50.0)
    outcomes = run_lookups(requests_for(6), poll_interval_s=0.05)  # the client believes in 60 per 0.6 s
    assert len(outcomes) == 6 and all(o.result is not None for o in outcomes)
    assert any(r.status == 429 for r in api_log())  # the scenario really met the provider's limit
    assert sum(o.credits for o in outcomes) == sim.credits_used == 15  # quiet_account is empty
