"""Tuning knobs of the Nyne client, with the provider's documented limits as defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

# From the provider's documentation (see /work/shared/nyne-api.md, "Credits and limits").
DEFAULT_BASE_URL = "https://api.nyne.ai"
PROVIDER_RATE_PER_MINUTE = 60
PROVIDER_RATE_PER_HOUR = 1000
# "3 credits per request that returns results; 0 when the result is empty; polling is free".
CREDITS_PER_LOOKUP = 3


@dataclass(frozen=True)
class ClientSettings:
    """Timeouts, polling cadence, retry budget and rate limits of one :class:`NyneClient`.

    The window lengths exist so tests can shrink a "minute" to a second; in production they
    stay at 60 s and 3600 s.
    """

    request_timeout_s: float = 30.0
    poll_interval_s: float = 2.0  # delay before the first poll
    poll_backoff: float = 1.5  # each later delay is multiplied by this ...
    poll_max_interval_s: float = 30.0  # ... up to this cap
    lookup_timeout_s: float = 3600.0  # deadline of the wait for one job's result (each submit's)
    max_retries: int = 5  # retries for 5xx / timeouts / dropped connections / bad bodies
    retry_base_s: float = 1.0
    retry_max_s: float = 60.0
    max_rate_limit_retries: int = 20  # 429 retries: separate budget, but bounded
    rate_per_minute: int = PROVIDER_RATE_PER_MINUTE
    rate_per_hour: int = PROVIDER_RATE_PER_HOUR
    minute_window_s: float = 60.0
    hour_window_s: float = 3600.0
    # Extra wait added to every window so request-latency jitter cannot make the provider's
    # window see one request too many. None: 5 % of each window, at most 1 s.
    rate_safety_margin_s: Optional[float] = None

    def __post_init__(self) -> None:
        positive = (
            "request_timeout_s", "poll_interval_s", "poll_max_interval_s", "lookup_timeout_s",
            "retry_base_s", "retry_max_s", "rate_per_minute", "rate_per_hour",
            "minute_window_s", "hour_window_s",
        )  # fmt: skip
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"ClientSettings.{name} must be > 0, got {getattr(self, name)!r}")
        if self.poll_backoff < 1:
            raise ValueError(f"ClientSettings.poll_backoff must be >= 1, got {self.poll_backoff!r}")
        if self.max_retries < 0 or self.max_rate_limit_retries < 0:
            raise ValueError("ClientSettings retry budgets must be >= 0")

    def rate_limits(self) -> list[tuple[int, float]]:
        """The (max requests, window seconds) pairs for :class:`RateLimiter`."""
        return [(self.rate_per_minute, self.minute_window_s), (self.rate_per_hour, self.hour_window_s)]
