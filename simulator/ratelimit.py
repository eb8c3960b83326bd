"""The account's rate limit: two fixed windows (per minute, per hour) and their headers.

Contract:
- Every submit and poll counts in both windows; a request refused with 429 counts in neither.
  `/usage` and `/_sim/*` do not count (the handler never asks).
- A window starts with the first request after the previous one ended (choice: fixed windows
  anchored on use, so a test never straddles a clock boundary) and lasts `minute_window_s` or
  `hour_window_s`, scaled.
- Headers describe the window now most constraining: the lowest remaining, and of equals the
  one resetting last. `X-RateLimit-Reset` is a unix time, `RateLimit-Reset` and `Retry-After`
  are seconds from now. With `time_scale` >= 1 they are whole numbers (rounded up), as in HTTP;
  below 1 they are decimals with millisecond precision, or a test could not wait them out.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from simulator.config import SimulatorConfig


@dataclass
class _Window:
    limit_knob: str
    length_knob: str
    started: float = -math.inf
    length: float = 0.0
    count: int = 0

    def view(self, config: SimulatorConfig, now: float) -> tuple[int, float]:
        """(remaining, resets_at) as of `now`; an ended window reads as a fresh one."""
        limit = getattr(config, self.limit_knob)
        if now >= self.started + self.length:
            return limit, now + config.scaled(getattr(config, self.length_knob))
        return max(0, limit - self.count), self.started + self.length

    def count_one(self, config: SimulatorConfig, now: float) -> None:
        if now >= self.started + self.length:
            self.started, self.count = now, 0
            self.length = config.scaled(getattr(config, self.length_knob))
        self.count += 1


@dataclass(frozen=True)
class Decision:
    allowed: bool
    headers: dict[str, str]
    retry_after: float | None = None  # seconds, on refusals


class RateLimiter:
    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config  # live: limits may change between requests
        self._windows = (_Window("rate_per_minute", "minute_window_s"),
                         _Window("rate_per_hour", "hour_window_s"))
        self._lock = threading.Lock()

    def admit(self, now: float) -> Decision:
        """Count one request if both windows have room; otherwise refuse it, uncounted."""
        with self._lock:
            views = self._views(now)
            full = [v for v in views if v[1] == 0]
            if full:
                headers = self._headers(max(full, key=lambda v: v[2]), now)
                retry = max(v[2] for v in full) - now
                headers["Retry-After"] = seconds_header(retry, self._config.time_scale)
                return Decision(False, headers, retry)
            for window in self._windows:
                window.count_one(self._config, now)
            return Decision(True, self._headers(self._tightest(now), now))

    def peek(self, now: float) -> dict[str, str]:
        """Headers for a response that does not count."""
        with self._lock:
            return self._headers(self._tightest(now), now)

    def _views(self, now: float) -> list[tuple[str, int, float]]:
        """(limit knob, remaining, resets_at) per window."""
        return [(w.limit_knob, *w.view(self._config, now)) for w in self._windows]

    def _tightest(self, now: float) -> tuple[str, int, float]:
        return min(self._views(now), key=lambda v: (v[1], -v[2]))

    def _headers(self, view: tuple[str, int, float], now: float) -> dict[str, str]:
        knob, remaining, resets_at = view
        scale = self._config.time_scale
        limit = str(getattr(self._config, knob))
        return {"X-RateLimit-Limit": limit, "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": seconds_header(resets_at, scale),
                "RateLimit-Limit": limit, "RateLimit-Remaining": str(remaining),
                "RateLimit-Reset": seconds_header(resets_at - now, scale)}


def seconds_header(seconds: float, time_scale: float) -> str:
    """A duration or unix time for a header: whole seconds at real speed, else milliseconds."""
    if time_scale >= 1:
        return str(max(0, math.ceil(seconds)))
    return f"{max(0.001, seconds):.3f}"
