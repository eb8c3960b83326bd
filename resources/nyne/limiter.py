"""Client-side rate limiting: a sliding-window log per window, one budget per API account.

The provider allows 60 requests per minute and 1,000 per hour per account, and polls count
(assumed: see the contract). Its rate headers describe only the window active now, so the
limiter keeps its own log for both windows, and also obeys the provider when it says the
budget is spent (``RateLimit-Remaining: 0``) or answers 429. The aim is that a healthy run
never meets a 429.

The log lives in a store (``resources.nyne.ratelimit``): ``local`` keeps it in this limiter,
as before; Redis or the ledger's database (PostgreSQL, SQLite) keep one log per account for
every client of every process and run, which take their slots from it atomically, so
separate processes sharing an account together stay within its limits, and a 429 or a
``Remaining: 0`` pauses all of them. Within one process the waiters are served in order (an
asyncio lock); a wait for a slot another process holds is a sleep until the moment the store
computed, then a re-check. Shared stores are called from a worker thread, never on the loop.

One limiter serves one event loop at a time (the asyncio lock is re-created per loop).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import math
import time
from typing import Any, Awaitable, Callable, Iterable, Mapping, Optional

from .ratelimit import Grant, LocalStore, RateStore, worker
from .ratelimit.store import Windows

logger = logging.getLogger(__name__)

DEFAULT_LIMITS = ((60, 60.0), (1000, 3600.0))
# How long a shared store counts a slot as in flight when its process never says the request
# ended (it died): then the slot is stamped at the lease's end. The client sets it from its
# request timeout; this default covers a 30 s timeout on each of httpx's phases.
DEFAULT_LEASE_S = 150.0


def _header(headers: Mapping[str, str], *names: str) -> Optional[float]:
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in names:
        raw = lowered.get(name.lower())
        if raw is None:
            continue
        try:
            value = float(str(raw).strip())
        except ValueError:
            continue
        if math.isfinite(value):
            return value
    return None


class Permit:
    """One granted request slot. Call ``done()`` once the response arrived (or failed)."""

    __slots__ = ("_slot", "_limiter", "_done")

    def __init__(self, slot: str, limiter: "RateLimiter") -> None:
        self._slot, self._limiter, self._done = slot, limiter, False

    def done(self) -> None:
        """Time the slot from now: the provider counted the request at the latest now."""
        if not self._done:
            self._done = True
            self._limiter._release(self._slot)


class RateLimiter:
    """At most ``n`` requests in any ``window`` seconds, for every ``(n, window)`` given.

    ``acquire(hold=True)`` (what the client does) keeps the slot counted as "now" while the
    request is in flight, and ``Permit.done()`` then stamps it with the response time. The
    provider counted the request somewhere in between, so the log can never hold fewer
    requests than the provider's window, however long a request waited for a connection or an
    answer. A plain ``acquire()`` stamps the slot when granted. ``safety_margin_s`` is added to
    each window (default: 5 % of the window, at most 1 s).

    ``store`` keeps the log (default: a ``LocalStore`` on ``clock``, this limiter alone);
    ``account`` names the budget in it (``ratelimit.account_key``: a hash, never the key);
    ``lease_s`` is how long a shared store counts a held slot whose process went silent.
    ``clock``/``wall_clock``/``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        limits: Iterable[tuple[int, float]] = DEFAULT_LIMITS,
        *,
        safety_margin_s: Optional[float] = None,
        store: Optional[RateStore] = None,
        account: str = "local",
        lease_s: float = DEFAULT_LEASE_S,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._windows: list[tuple[int, float, float]] = []
        for count, window in limits:
            if count < 1 or window <= 0:
                raise ValueError(f"invalid rate limit {count} per {window} s")
            margin = min(1.0, 0.05 * window) if safety_margin_s is None else safety_margin_s
            self._windows.append((int(count), float(window), float(margin)))
        if not self._windows:
            raise ValueError("at least one (count, window) limit is required")
        if not lease_s > 0:
            raise ValueError(f"the rate limiter's lease must be > 0 s, got {lease_s!r}")
        self._horizon = max(window + margin for _, window, margin in self._windows)
        self._clock, self._wall_clock, self._sleep = clock, wall_clock, sleep
        self._store: RateStore = store if store is not None else LocalStore(clock)
        self._account, self._lease_s = account, float(lease_s)
        self._paused_until = 0.0  # this limiter's own pauses, on its clock (for the logs)
        self._last_wait = 0.0  # a shared store's last answer (see delay())
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._lock = asyncio.Lock()
        self._released = asyncio.Event()  # set when a held slot is done
        self._pending: set[concurrent.futures.Future] = set()  # store writes under way
        self.acquired = 0  # slots granted so far
        self.waited_s = 0.0  # total time callers spent waiting in acquire()

    @property
    def limits(self) -> list[tuple[int, float]]:
        return [(count, window) for count, window, _ in self._windows]

    @property
    def store(self) -> RateStore:
        return self._store

    def _bind_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # asyncio primitives belong to one loop
            self._loop, self._lock, self._released = loop, asyncio.Lock(), asyncio.Event()

    def _wake(self) -> None:
        if self._loop is not None:
            self._released.set()

    def delay(self) -> float:
        """Seconds until the next slot could be granted: 0 if now, inf if only a done() can free one.

        With a shared store: its last answer to this limiter (asking it again would block).
        """
        if isinstance(self._store, LocalStore):
            return self._store.peek(self._account, tuple(self._windows))
        return self._last_wait

    def _write(self, function: Callable[..., Any], *args: Any) -> None:
        """A store write: at once if the store is local, else in a store thread; the next
        acquire() waits for it, so this process's pause is seen before its next slot."""
        if not self._store.shared:
            function(*args)
            return
        future = worker.submit(function, *args)
        self._pending.add(future)
        future.add_done_callback(self._written)

    def _written(self, future: concurrent.futures.Future) -> None:
        self._pending.discard(future)
        if future.exception() is not None:  # a held slot then ends with its lease
            logger.warning("rate limiter: the store write failed: %s", future.exception())

    async def flush(self) -> None:
        """Wait until this limiter's releases and pauses under way are in the store."""
        await worker.wait_for(self._pending)

    async def _take(self, windows: Windows, hold: bool) -> Grant:
        if not self._store.shared:
            return self._store.acquire(self._account, windows, hold=hold, lease_s=self._lease_s)

        def give_back(future: concurrent.futures.Future) -> None:  # granted to a waiter gone
            if future.exception() is None and future.result().slot is not None:
                self._write(self._store.release, self._account, future.result().slot)

        return await worker.call(self._store.acquire, self._account, windows, hold=hold,
                                 lease_s=self._lease_s, on_cancel=give_back)

    def _release(self, slot: str) -> None:
        self._write(self._store.release, self._account, slot)
        self._wake()

    async def acquire(self, *, hold: bool = False) -> Permit:
        """Wait for a slot in every window and take it (FIFO among waiters)."""
        self._bind_loop()
        start = self._clock()
        windows = tuple(self._windows)
        async with self._lock:
            while True:
                self._released.clear()
                await self.flush()
                grant = await self._take(windows, hold)
                if grant.slot is not None:
                    break
                wait = self._last_wait = grant.wait
                if wait == math.inf:
                    logger.debug("rate limiter: every slot is held by a request in flight")
                    # A done() wakes us; the timeout only guards against a permit never closed.
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._released.wait(), timeout=self._horizon)
                else:
                    logger.debug("rate limiter: waiting %.3f s for a request slot", wait)
                    await self._sleep(wait)
        self._last_wait = 0.0
        self.acquired += 1
        self.waited_s += self._clock() - start
        return Permit(grant.slot, self)

    def pause(self, seconds: float, reason: str = "") -> None:
        """Hold every acquire for ``seconds`` from now (never shortens an existing pause): every
        process of the account with a shared store."""
        if seconds > 0:
            until = self._clock() + seconds
            if until > self._paused_until:
                self._paused_until = until
                logger.info("rate limiter: pausing all requests for %.3f s (%s)", seconds, reason)
            self._write(self._store.pause, self._account, seconds)

    def reset_after(self, headers: Mapping[str, str]) -> Optional[float]:
        """Seconds until the provider's current window resets, from the rate headers."""
        seconds = _header(headers, "RateLimit-Reset")
        if seconds is not None:
            return max(0.0, seconds)
        stamp = _header(headers, "X-RateLimit-Reset")
        if stamp is None:
            return None
        # Documented as unix time; small values are taken as seconds (some servers do that).
        return max(0.0, stamp - self._wall_clock()) if stamp > 1e9 else max(0.0, stamp)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Obey the provider's rate headers: remaining 0 pauses everything until the reset."""
        remaining = _header(headers, "RateLimit-Remaining", "X-RateLimit-Remaining")
        if remaining is None or remaining > 0:
            return
        reset = self.reset_after(headers)
        if reset is None:  # no reset given: assume the shortest window must pass
            reset = min(window for _, window, _ in self._windows)
        margin = min(margin for _, _, margin in self._windows)
        self.pause(reset + margin, "provider says no requests remain in this window")
