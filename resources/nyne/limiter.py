"""Client-side rate limiting: a sliding-window log per window, shared by all tasks of a client.

The provider allows 60 requests per minute and 1,000 per hour per account, and polls count
(assumed: see the contract). Its rate headers describe only the window active now, so the
limiter keeps its own log for both windows, and also obeys the provider when it says the
budget is spent (``RateLimit-Remaining: 0``) or answers 429. The aim is that a healthy run
never meets a 429.

One limiter serves one event loop at a time (the asyncio lock is re-created per loop). It
does not coordinate separate processes sharing an account: cap those with a Dagster pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from typing import Awaitable, Callable, Iterable, Mapping, Optional

logger = logging.getLogger(__name__)

DEFAULT_LIMITS = ((60, 60.0), (1000, 3600.0))


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

    __slots__ = ("_cell", "_limiter")

    def __init__(self, cell: list[float], limiter: "RateLimiter") -> None:
        self._cell, self._limiter = cell, limiter

    def done(self) -> None:
        """Time the slot from now: the provider counted the request at the latest now."""
        if self._cell[0] == math.inf or self._cell[0] < self._limiter._clock():
            self._cell[0] = self._limiter._clock()
            self._limiter._wake()


class RateLimiter:
    """At most ``n`` requests in any ``window`` seconds, for every ``(n, window)`` given.

    ``acquire(hold=True)`` (what the client does) keeps the slot counted as "now" while the
    request is in flight, and ``Permit.done()`` then stamps it with the response time. The
    provider counted the request somewhere in between, so the log can never hold fewer
    requests than the provider's window, however long a request waited for a connection or an
    answer. A plain ``acquire()`` stamps the slot when granted. ``safety_margin_s`` is added to
    each window (default: 5 % of the window, at most 1 s). ``clock``/``wall_clock``/``sleep``
    are injectable for tests.
    """

    def __init__(
        self,
        limits: Iterable[tuple[int, float]] = DEFAULT_LIMITS,
        *,
        safety_margin_s: Optional[float] = None,
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
        self._horizon = max(window + margin for _, window, margin in self._windows)
        self._stamps: list[list[float]] = []  # one mutable cell per granted request
        self._clock, self._wall_clock, self._sleep = clock, wall_clock, sleep
        self._paused_until = 0.0
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._lock = asyncio.Lock()
        self._released = asyncio.Event()  # set when a held slot is done
        self.acquired = 0  # slots granted so far
        self.waited_s = 0.0  # total time callers spent waiting in acquire()

    @property
    def limits(self) -> list[tuple[int, float]]:
        return [(count, window) for count, window, _ in self._windows]

    def _bind_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # asyncio primitives belong to one loop
            self._loop, self._lock, self._released = loop, asyncio.Lock(), asyncio.Event()

    def _wake(self) -> None:
        if self._loop is not None:
            self._released.set()

    def delay(self) -> float:
        """Seconds until the next slot could be granted: 0 if now, inf if only a done() can free one."""
        now = self._clock()
        self._stamps = [c for c in self._stamps if c[0] > now - self._horizon]
        wait = self._paused_until - now
        for count, window, margin in self._windows:
            recent = sorted(c[0] for c in self._stamps if c[0] > now - window - margin)
            if len(recent) >= count:
                wait = max(wait, recent[len(recent) - count] + window + margin - now)
        return max(0.0, wait)

    async def acquire(self, *, hold: bool = False) -> Permit:
        """Wait for a slot in every window and take it (FIFO among waiters)."""
        self._bind_loop()
        start = self._clock()
        async with self._lock:
            while True:
                self._released.clear()
                wait = self.delay()
                if wait <= 0:
                    break
                if wait == math.inf:
                    logger.debug("rate limiter: every slot is held by a request in flight")
                    # A done() wakes us; the timeout only guards against a permit never closed.
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._released.wait(), timeout=self._horizon)
                else:
                    logger.debug("rate limiter: waiting %.3f s for a request slot", wait)
                    await self._sleep(wait)
            cell = [math.inf if hold else self._clock()]
            self._stamps.append(cell)
        self.acquired += 1
        self.waited_s += self._clock() - start
        return Permit(cell, self)

    def pause(self, seconds: float, reason: str = "") -> None:
        """Hold every acquire for ``seconds`` from now (never shortens an existing pause)."""
        if seconds > 0:
            until = self._clock() + seconds
            if until > self._paused_until:
                self._paused_until = until
                logger.info("rate limiter: pausing all requests for %.3f s (%s)", seconds, reason)

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
