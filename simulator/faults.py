"""Fault injection for /person/interactions: which misbehaviour, if any, the next request gets.

Scripted faults (`inject_faults`) are consumed first, one per request, in order; otherwise
each request draws once against the `fault_rate_*` knobs (seeded RNG). Tokens:
- "500", "502", "503", "504": that status, `internal_error` body;
- "429": `rate_limit_exceeded` with `Retry-After` (`fault_retry_after_s`), outside the real
  rate windows, like a gateway's spurious refusal;
- "drop": the connection closes with no response at all;
- "slow": the normal response, after `slow_s` (scaled);
- "malformed": 200 (poll) or 202 (submit), `application/json`, with a truncated body;
- "timeout": nothing for `hang_s` (unscaled), then the connection closes.
A faulted request (every token but "slow") neither counts, nor creates a job, nor charges.
"""

from __future__ import annotations

import random
import threading
from collections import deque

from simulator.config import SimulatorConfig

STATUS_TOKENS = ("500", "502", "503", "504")
TOKENS = (*STATUS_TOKENS, "429", "drop", "slow", "malformed", "timeout")


class FaultPlan:
    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config  # live: rates may change between requests
        self._rng = random.Random(f"faults:{config.seed}")
        self._queue: deque[str] = deque()
        self._lock = threading.Lock()

    def inject(self, tokens: list[str]) -> None:
        """Queue `tokens` for the next API requests; ValueError on an unknown token."""
        tokens = [str(t) for t in tokens]
        unknown = [t for t in tokens if t not in TOKENS]
        if unknown:
            raise ValueError(f"unknown fault token(s) {unknown}: expected {', '.join(TOKENS)}")
        with self._lock:
            self._queue.extend(tokens)

    @property
    def pending(self) -> list[str]:
        with self._lock:
            return list(self._queue)

    def next(self) -> str | None:
        """The fault for the request being handled now, or None."""
        cfg = self._config
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            roll = self._rng.random()
            for token, rate in (("5xx", cfg.fault_rate_5xx), ("drop", cfg.fault_rate_drop),
                                ("slow", cfg.fault_rate_slow),
                                ("malformed", cfg.fault_rate_malformed)):
                if roll < rate:
                    return self._rng.choice(STATUS_TOKENS) if token == "5xx" else token
                roll -= rate
            return None
