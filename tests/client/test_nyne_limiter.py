"""RateLimiter timing with an injected clock: no test here sleeps for real."""

import asyncio

import pytest

from resources.nyne import RateLimiter
from resources.nyne.retry import RetryPolicy, parse_retry_after


class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def make(limits, clock, **kw):
    return RateLimiter(limits, safety_margin_s=0.0, clock=clock, sleep=clock.sleep, **kw)


def max_in_any_window(stamps, window):
    return max(sum(1 for t in stamps if s <= t < s + window) for s in stamps)


def test_a_burst_is_spread_so_no_window_holds_more_than_its_limit():
    clock = FakeClock()
    limiter = make([(3, 1.0)], clock)
    stamps = []

    async def task():
        await limiter.acquire()
        stamps.append(clock())

    async def main():
        await asyncio.gather(*(task() for _ in range(10)))

    asyncio.run(main())
    assert len(stamps) == 10
    assert max_in_any_window(stamps, 1.0) == 3
    assert stamps[-1] - stamps[0] == 3.0  # 10 requests at 3 per second: the 10th waits 3 s


def test_every_window_is_respected_at_once():
    clock = FakeClock()
    limiter = make([(2, 1.0), (3, 10.0)], clock)

    async def main():
        out = []
        for _ in range(4):
            await limiter.acquire()
            out.append(clock() - 1000.0)
        return out

    assert asyncio.run(main()) == [0.0, 0.0, 1.0, 10.0]


def test_a_slot_is_timed_from_the_response_so_slow_requests_cannot_crowd_the_provider_window():
    clock = FakeClock()
    limiter = make([(1, 1.0)], clock)

    async def main():
        permit = await limiter.acquire()
        clock.now += 0.4  # the request took 0.4 s; the provider counted it somewhere in there
        permit.done()
        await limiter.acquire()

    asyncio.run(main())
    assert clock() - 1000.0 == pytest.approx(1.4)


def test_a_held_slot_counts_until_its_request_is_done_however_long_it_takes():
    clock = FakeClock()
    limiter = make([(1, 1.0)], clock)
    granted = []

    async def slow_request():
        permit = await limiter.acquire(hold=True)
        await clock.sleep(5.0)  # e.g. stuck waiting for a connection: the provider may count it late
        permit.done()

    async def next_request():
        await asyncio.sleep(0)
        await limiter.acquire(hold=True)
        granted.append(clock() - 1000.0)

    async def main():
        await asyncio.gather(slow_request(), next_request())

    asyncio.run(main())
    assert granted == [pytest.approx(6.0)]  # done at 5 s, plus the 1 s window


def test_the_safety_margin_widens_each_window():
    clock = FakeClock()
    limiter = RateLimiter([(1, 1.0)], safety_margin_s=0.25, clock=clock, sleep=clock.sleep)

    async def main():
        await limiter.acquire()
        await limiter.acquire()

    asyncio.run(main())
    assert clock() - 1000.0 == 1.25


def test_no_remaining_requests_in_the_provider_window_holds_everyone_until_its_reset():
    clock = FakeClock()
    limiter = make([(100, 60.0)], clock)
    limiter.observe({"RateLimit-Limit": "60", "RateLimit-Remaining": "0", "RateLimit-Reset": "7.5"})
    asyncio.run(limiter.acquire())
    assert clock() - 1000.0 == 7.5


def test_the_x_ratelimit_reset_header_is_a_unix_time():
    clock = FakeClock()
    limiter = make([(100, 60.0)], clock, wall_clock=lambda: 1_700_000_000.0)
    limiter.observe({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000004"})
    asyncio.run(limiter.acquire())
    assert clock() - 1000.0 == 4.0


def test_remaining_requests_do_not_pause():
    clock = FakeClock()
    limiter = make([(100, 60.0)], clock)
    limiter.observe({"RateLimit-Remaining": "5", "RateLimit-Reset": "30"})
    limiter.observe({})
    asyncio.run(limiter.acquire())
    assert clock() == 1000.0


def test_a_pause_is_never_shortened():
    clock = FakeClock()
    limiter = make([(100, 60.0)], clock)
    limiter.pause(5.0, "429")
    limiter.pause(1.0, "429")
    asyncio.run(limiter.acquire())
    assert clock() - 1000.0 == 5.0


def test_one_limiter_can_serve_successive_event_loops():
    clock = FakeClock()
    limiter = make([(1, 1.0)], clock)
    asyncio.run(limiter.acquire())
    asyncio.run(limiter.acquire())
    assert limiter.acquired == 2 and clock() - 1000.0 == 1.0


def test_retry_after_accepts_seconds_decimals_and_http_dates():
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert parse_retry_after({"retry-after": "0.25"}) == 0.25
    assert parse_retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


def test_back_off_is_capped_exponential_with_full_jitter():
    policy = RetryPolicy(max_retries=5, base_s=1.0, max_s=8.0)
    for n, cap in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (10, 8.0)]:
        samples = [policy.backoff(n) for _ in range(200)]
        assert all(0 <= s <= cap for s in samples)
        assert max(samples) > cap / 2  # jitter spreads over the whole range


def test_garbage_rate_headers_are_ignored():
    clock = FakeClock()
    limiter = make([(100, 60.0)], clock)
    limiter.observe({"RateLimit-Remaining": "nan", "RateLimit-Reset": "inf"})
    limiter.observe({"RateLimit-Remaining": "zero"})
    asyncio.run(limiter.acquire())
    assert clock() == 1000.0
    assert parse_retry_after({"Retry-After": "inf"}) is None
