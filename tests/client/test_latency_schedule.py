"""The learnt poll schedule: fed histories, it says when to poll (no network, no clock luck)."""

import asyncio
import random

import pytest

from resources.lookups.latency import (LatencyModel, Observation, estimate_quantiles,
                                       lookup_kind, polls_expected)
from resources.lookups.waiting import wait_for_job
from resources.nyne import ClientSettings, JobStatus

KIND = lookup_kind("twitter", "followers,following")
DEFAULT = [2.0, 5.0, 9.5, 16.25]  # today's polls: 2 s, then x1.5 back-off


def _polled(latency: float, times: list[float]) -> Observation:
    """What waiting for a job of ``latency`` with polls at ``times`` teaches."""
    running = 0.0
    for t in times:
        if t >= latency:
            return Observation(KIND, running, t)
        running = t
    raise AssertionError("the job outlasted the polls")


def test_a_thin_history_keeps_the_default_polls():
    model = LatencyModel([Observation(KIND, 0.0, 1.0)] * 19, min_samples=20)
    assert model.schedule(KIND) == ()  # the wait then polls at poll_interval_s, backing off
    model.observe(Observation(KIND, 0.0, 1.0))
    assert model.schedule(KIND) != ()


def test_jobs_of_one_to_four_seconds_are_first_polled_when_nearly_all_are_done():
    rng = random.Random(3)
    latencies = [rng.uniform(1.0, 4.0) for _ in range(400)]
    model = LatencyModel(Observation(KIND, d, d) for d in latencies)
    first, *later = model.schedule(KIND)
    assert 3.8 <= first <= 4.1  # the 98th percentile of U(1, 4) is 3.94
    assert later and all(a < b for a, b in zip([first, *later], later))
    assert polls_expected(model.schedule(KIND), latencies, DEFAULT) <= 1.03


def test_the_default_schedules_history_moves_the_first_poll_past_what_it_saw_running():
    # Polled at 2 s and 5 s: a third ended by 2 s, the rest between 2 and 5 s.
    history = [Observation(KIND, 0.0, 2.0)] * 30 + [Observation(KIND, 2.0, 5.0)] * 60
    first = LatencyModel(history).schedule(KIND)[0]
    assert 4.5 <= first <= 5.0  # never earlier than the 2 s poll that usually found it running


def test_polling_at_the_learnt_schedule_does_not_creep_later_and_costs_one_poll_a_job():
    """A job first polled at 4 s "took" up to 4 s; counting that as its duration would push
    the next first poll later each round. The intervals keep it at the latency's quantile."""
    rng = random.Random(11)
    model = LatencyModel(_polled(rng.uniform(1.0, 4.0), DEFAULT) for _ in range(60))
    polls = []
    for _ in range(600):
        schedule = list(model.schedule(KIND))
        latency = rng.uniform(1.0, 4.0)
        times = schedule + [schedule[-1] + d for d in DEFAULT]
        polls.append(next(i + 1 for i, t in enumerate(times) if t >= latency))
        model.observe(_polled(latency, times))
    assert model.schedule(KIND)[0] <= 4.3
    assert sum(polls[-300:]) / 300 <= 1.05
    assert sum(polls[-300:]) / 300 < polls_expected((), [rng.uniform(1, 4) for _ in range(300)],
                                                    DEFAULT)


def test_each_kind_of_lookup_learns_its_own_latency():
    slow = lookup_kind("instagram", "followers")
    model = LatencyModel([Observation(KIND, 0.0, 1.0)] * 40 + [Observation(slow, 9.0, 10.0)] * 40)
    assert model.schedule(KIND)[0] <= 1.0 < 9.0 <= model.schedule(slow)[0]
    assert model.schedule(lookup_kind("twitter", "replies")) == ()


def test_a_latency_observation_that_cannot_be_true_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"\(5\.0, 2\.0\] for twitter/replies"):
        Observation("twitter/replies", 5.0, 2.0)
    with pytest.raises(ValueError, match="quantiles"):
        LatencyModel(quantiles=(0.99, 0.9))


def test_exact_and_interval_data_agree_on_the_quantile():
    exact = estimate_quantiles([(d / 10, d / 10) for d in range(1, 101)], (0.5,))[0]
    assert 4.8 <= exact <= 5.3


def test_the_wait_polls_at_the_schedule_then_backs_off_and_reports_the_interval():
    """A fake job that ends at its 3rd poll: polls 1 and 2 at the schedule's offsets, the 3rd
    after poll_interval_s; ``observe`` gets (time of poll 2, time of answer 3)."""
    settings = ClientSettings(poll_interval_s=0.05, poll_max_interval_s=0.05)
    seen, observed = [], []

    async def scenario():
        loop = asyncio.get_running_loop()
        start = loop.time()

        async def poll(request_id):
            seen.append(loop.time() - start)
            done = len(seen) == 3
            return JobStatus(request_id, "completed" if done else "processing", completed=done)

        await wait_for_job(poll, "r1", settings, redact=str, schedule=(0.2, 0.3),
                           observe=lambda lo, hi: observed.append((lo, hi)))

    asyncio.run(scenario())
    assert len(seen) == 3
    assert seen[0] >= 0.2 - 0.01 and seen[1] >= 0.3 - 0.01 and seen[2] >= seen[1] + 0.05 - 0.01
    [(lo, hi)] = observed
    assert seen[1] - 0.01 <= lo <= seen[1] + 0.05 and hi >= seen[2] - 0.01
