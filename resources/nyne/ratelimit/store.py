"""The rate limiter's windows as a store: one budget per API account, for every process asking.

A store keeps, per account, the log of request slots behind the sliding windows and the
provider's pause, and grants a slot atomically: ``acquire`` checks every window and takes the
slot in one step, so two processes can never both take the last one. The stores:

* ``LocalStore`` (here): this process only, on the limiter's own clock (what the limiter did
  alone before stores existed);
* ``RedisStore`` (``redis_store``): a Lua script on the Redis server's clock, for many machines;
* ``SqlStore`` (``sql_store``): the ledger's database, PostgreSQL (an advisory lock and the
  database's clock, many machines) or SQLite (``BEGIN IMMEDIATE`` and this machine's clock).

A slot is *held* while its request is in flight: it counts as "now" in every window until
``release`` stamps it with the response time (the provider counted the request somewhere in
between). A held slot in a shared store carries a lease: when its process dies mid-request,
the slot is stamped with the lease's end once that passes, then ages out of the windows like
any other. Accounts are named by ``account_key`` (a hash of base URL and API key), never by
the key itself.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Protocol
from urllib.parse import urlsplit, urlunsplit

# (max requests, window s, safety margin s) per window.
Windows = tuple[tuple[int, float, float], ...]


class RateStoreError(ValueError):
    """The rate-limit store cannot be used: names the setting and what is wrong, no password."""


@dataclass(frozen=True)
class Grant:
    """The answer of ``acquire``: a slot taken (``slot``), or ``None`` and the ``wait`` before
    trying again (``inf``: only a release of this process can free one; local store only)."""

    slot: Optional[str]
    wait: float = 0.0
    at: Optional[float] = None  # the store's clock when the slot was granted


class RateStore(Protocol):
    """What the limiter needs. ``shared`` stores block (network, disk): the limiter calls them
    from a worker thread, never on the event loop."""

    shared: bool

    def acquire(self, account: str, windows: Windows, *, hold: bool, lease_s: float) -> Grant: ...

    def release(self, account: str, slot: str) -> None: ...

    def pause(self, account: str, seconds: float) -> None: ...

    def check(self) -> None: ...


def account_key(base_url: str, api_key: str) -> str:
    """The store's name of an API account: a hash of base URL and API key (never the key)."""
    material = f"{base_url.rstrip('/')}\n{api_key}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def describe(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.hostname or ""
        netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:  # not parseable: show the scheme only
        return url.split("://", 1)[0] + "://***"


def horizon(windows: Windows) -> float:
    """How long a stamped slot matters: the longest window plus its margin."""
    return max(window + margin for _, window, margin in windows)


def wait_needed(stamps: Iterable[float], held: int, now: float, windows: Windows,
                paused_until: float, held_at: float) -> float:
    """Seconds from ``now`` until one more request fits every window and any pause is over.

    ``stamps`` are the stamped slots, ``held`` the number in flight, counted at ``held_at``:
    ``now`` in a shared store (a held slot is stamped no earlier than now, so the answer is a
    moment worth re-checking at), ``inf`` locally (only a release can tell).
    """
    wait = paused_until - now
    for count, window, margin in windows:
        recent = sorted([s for s in stamps if s > now - window - margin] + [held_at] * held)
        if len(recent) >= count:
            wait = max(wait, recent[len(recent) - count] + window + margin - now)
    return max(0.0, wait)


class LocalStore:
    """The windows of one limiter, in memory, on its (injectable) monotonic clock."""

    shared = False

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._slots: dict[str, dict[str, float]] = {}  # account -> slot -> stamp (inf: held)
        self._paused: dict[str, float] = {}
        self._next = 0

    def peek(self, account: str, windows: Windows) -> float:
        """The wait ``acquire`` would answer now, without taking a slot."""
        now = self._clock()
        slots = self._slots.setdefault(account, {})
        for slot in [s for s, stamp in slots.items() if stamp <= now - horizon(windows)]:
            del slots[slot]
        stamps = [s for s in slots.values() if s != math.inf]
        return wait_needed(stamps, len(slots) - len(stamps), now, windows,
                           self._paused.get(account, -math.inf), math.inf)

    def acquire(self, account: str, windows: Windows, *, hold: bool, lease_s: float) -> Grant:
        wait = self.peek(account, windows)
        if wait > 0:
            return Grant(None, wait)
        self._next += 1
        slot, now = str(self._next), self._clock()
        self._slots[account][slot] = math.inf if hold else now
        return Grant(slot, at=now)

    def release(self, account: str, slot: str) -> None:
        slots, now = self._slots.setdefault(account, {}), self._clock()
        if slots.get(slot, -math.inf) < now or slots.get(slot) == math.inf:
            slots[slot] = now

    def pause(self, account: str, seconds: float) -> None:
        until = self._clock() + seconds
        self._paused[account] = max(until, self._paused.get(account, -math.inf))

    def check(self) -> None:
        pass
