"""The limiter on a shared store: what the event loop's life does not change (a slot granted to
a waiter cancelled mid-call is given back; a release handed over as the loop ends is written)."""

import asyncio
import threading
import time

import pytest

from resources.nyne import RateLimiter
from tests.client.test_rate_store import account, fresh, store_url  # noqa: F401 - the fixture


class _Gated:
    """A real store whose ``acquire`` waits for ``gate`` (a hook to cancel a waiter mid-call)
    and which counts its releases."""

    shared = True

    def __init__(self, store):
        self.store, self.gate, self.entered, self.released = store, threading.Event(), \
            threading.Event(), []

    def acquire(self, *args, **kwargs):
        self.entered.set()
        assert self.gate.wait(60)
        return self.store.acquire(*args, **kwargs)

    def release(self, account, slot):
        self.store.release(account, slot)
        self.released.append(slot)

    def pause(self, account, seconds):
        self.store.pause(account, seconds)

    def check(self):
        self.store.check()


def test_a_slot_granted_to_a_cancelled_waiter_is_given_back(store_url):
    gated, acct = _Gated(fresh(store_url)), account()
    limiter = RateLimiter([(1, 30.0)], safety_margin_s=0.0, store=gated, account=acct)

    async def main():
        waiter = asyncio.ensure_future(limiter.acquire(hold=True))
        while not gated.entered.is_set():
            await asyncio.sleep(0.01)
        waiter.cancel()  # the run is cancelled while the store is granting the slot
        with pytest.raises(asyncio.CancelledError):
            await waiter

    asyncio.run(main())
    gated.gate.set()
    deadline = time.monotonic() + 60
    while not gated.released:  # given back from a store thread once the grant returns
        assert time.monotonic() < deadline, "the slot was never given back"
        time.sleep(0.01)
    refused = gated.store.acquire(acct, ((1, 30.0, 0.0),), hold=False, lease_s=30.0)
    assert refused.slot is None and refused.wait > 29  # stamped at its release, not held


def test_a_release_handed_over_as_the_event_loop_ends_still_reaches_the_store(store_url):
    store, acct = fresh(store_url), account()
    limiter = RateLimiter([(5, 30.0)], safety_margin_s=0.0, store=store, account=acct)

    async def main():
        permit = await limiter.acquire(hold=True)
        permit.done()  # the last thing the loop does: the write is not awaited

    asyncio.run(main())
    deadline = time.monotonic() + 60
    # Stamped, the slot leaves a 0.5 s window at once; still held, it would count until its
    # lease ends (150 s, past the deadline).
    while True:
        grant = store.acquire(acct, ((1, 0.5, 0.0),), hold=False, lease_s=30.0)
        if grant.slot is not None:
            break
        assert time.monotonic() < deadline, "the release never reached the store"
        time.sleep(grant.wait)
