"""Transient faults of the API's transport: each is retried, and nothing is lost or paid twice."""

import time

import pytest

KEYS = ["tw_janedoe", "tw_dagster_io"]
# request_timeout_s under the simulator's hang_s, so a "timeout" fault really times out.
FAST_TIMEOUT = dict(request_timeout_s=0.5)


def _collect_through(harness, faults, **nyne):
    harness.sim.inject_faults(faults)
    result = harness.run(KEYS, **nyne)
    assert result.success, harness.failures(result)
    assert harness.parquet_targets("followers") == {"janedoe", "dagster_io"}
    assert harness.parquet_targets("following") == {"janedoe", "dagster_io"}
    assert len([c for c in harness.sim.charges if c.credits]) == 2
    harness.assert_paid_once_and_kept()
    assert _faults_met(harness.sim, len(faults)) == len(faults)  # all were met, and survived
    return result


def _faults_met(sim, expected: int, wait_s: float = 5.0) -> int:
    """Faulted requests in the simulator's log (a hung one is logged when its socket closes)."""
    deadline = time.monotonic() + wait_s
    while True:
        met = len([r for r in sim.request_log if r.fault])
        if met >= expected or time.monotonic() > deadline:
            return met
        time.sleep(0.1)


def test_a_burst_of_5xx_on_submits_and_polls_is_retried(harness):
    _collect_through(harness, ["500", "502", "503", "504", "500", "503"])


def test_requests_that_time_out_are_retried(harness):
    _collect_through(harness, ["timeout", "timeout"], **FAST_TIMEOUT)


def test_connections_reset_without_an_answer_are_retried(harness):
    _collect_through(harness, ["drop", "drop", "drop", "drop"])


def test_a_storm_of_429s_waits_and_goes_on(harness):
    _collect_through(harness, ["429"] * 12)


def test_malformed_json_answers_are_retried(harness):
    _collect_through(harness, ["malformed", "malformed", "malformed"])


@pytest.mark.parametrize("fault", ["500", "drop", "malformed"])
def test_faults_mixed_with_posts_lookups(harness, fault):
    post = harness.sim.world.posts("janedoe")[0]
    harness.sim.inject_faults([fault] * 3)
    result = harness.run([f"tw_{post}"], posts=True)
    assert result.success, harness.failures(result)
    assert harness.parquet_targets("repliers") == {post}
    harness.assert_paid_once_and_kept()
