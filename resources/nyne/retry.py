"""Every retry and back-off decision of the client, in one place.

* 429: wait ``Retry-After`` (seconds, decimals accepted; else the provider's rate-reset
  headers; else the limiter's own estimate or a back-off), pausing *every* request of the
  client, then retry. This has its own bounded budget and does not use the 5xx budget.
* 5xx, 408, timeouts, dropped connections and 2xx bodies that are not a JSON envelope:
  capped exponential back-off with full jitter, at most ``max_retries`` retries, then
  ``ProviderError``.
* Any other status (400, 401, 402, 403, 404, ...) is returned to the caller at once, never
  retried, so a refused submit is never sent twice.

Caveat: the provider has no idempotency key, so a submit (POST) retried after a timeout, a
dropped connection, a 5xx or an unreadable 202 would create a second job if the first attempt
had created one before its answer was lost. The simulator (like a gateway failing in front of
the API) creates no job on those faults; see README "Failure behaviour" for what the request
ledger (``resources.lookups.ledger``) does and does not protect.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Awaitable, Callable, Mapping, Optional

import httpx

from .errors import ProviderError, RateLimited
from .limiter import RateLimiter
from .parsing import MalformedBody, unwrap

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    base_s: float = 1.0
    max_s: float = 60.0
    max_rate_limit_retries: int = 20

    def backoff(self, retry_number: int) -> float:
        """Full jitter: uniform in [0, min(max_s, base_s * 2**(retry_number-1))]."""
        cap = min(self.max_s, self.base_s * 2 ** max(0, retry_number - 1))
        return random.uniform(0, cap)


def parse_retry_after(headers: Mapping[str, str]) -> Optional[float]:
    """``Retry-After`` in seconds (``"1.5"`` accepted) or as an HTTP date; None if absent/bad."""
    raw = headers.get("retry-after") or headers.get("Retry-After")
    if raw is None:
        return None
    try:
        seconds = float(raw.strip())
        return max(0.0, seconds) if math.isfinite(seconds) else None
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(raw).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Reply:
    """A response the caller must handle: a 2xx envelope's ``data``, or a final error body."""

    status: int
    body: Any  # the JSON body (for errors: JSON, or {"detail": text} when not JSON)
    data: Optional[dict[str, Any]]  # the envelope's data for 2xx replies, else None
    headers: httpx.Headers
    raw: bytes = b""  # the body exactly as received (archived before anything is parsed)


def _is_transient_status(status: int) -> bool:
    return status >= 500 or status == 408


async def send_with_retries(
    send: Callable[[], Awaitable[httpx.Response]],
    *,
    label: str,
    policy: RetryPolicy,
    limiter: RateLimiter,
    path: str,
    redact: Callable[[str], str],
) -> Reply:
    """Run ``send`` (one HTTP call) through the limiter until it gives a final answer."""
    failures = rate_limited = attempts = 0
    while True:
        permit = await limiter.acquire(hold=True)
        attempts += 1
        started = time.monotonic()
        response: Optional[httpx.Response] = None
        try:
            response = await send()
        except httpx.UnsupportedProtocol as exc:  # a misconfigured base URL: retrying cannot help
            raise ProviderError(None, attempts, redact(str(exc)), path=path) from exc
        except (httpx.TransportError, httpx.DecodingError) as exc:
            reason = f"{type(exc).__name__}: {redact(str(exc)) or 'no detail'}"
            logger.debug("%s -> %s (attempt %d)", label, reason, attempts)
        finally:
            permit.done()
        status = response.status_code if response is not None else None
        if response is not None:
            limiter.observe(response.headers)
            elapsed_ms = (time.monotonic() - started) * 1000
            logger.debug("%s -> %d (attempt %d, %.0f ms)", label, status, attempts, elapsed_ms)
            try:
                body = response.json()
            except ValueError:
                body = None
            if status == 429:
                rate_limited += 1
                if rate_limited > policy.max_rate_limit_retries:
                    retry_after = parse_retry_after(response.headers)
                    raise RateLimited(retry_after, status=429, code="rate_limit_exceeded", path=path)
                delay = _rate_limit_delay(response.headers, limiter, policy, rate_limited)
                logger.info(
                    "%s: rate limited (429), all requests wait %.3f s (rate-limit retry %d/%d)",
                    label, delay, rate_limited, policy.max_rate_limit_retries,
                )  # fmt: skip
                limiter.pause(delay, "429 from the provider")
                continue  # the next acquire() waits out the pause
            if 200 <= status < 300:
                try:
                    return Reply(status, body, unwrap(body), response.headers, response.content)
                except MalformedBody as exc:
                    reason = f"HTTP {status} with a body that is not a JSON envelope ({exc})"
            elif _is_transient_status(status):
                reason = f"HTTP {status}"
            else:  # 4xx: final, never retried
                if body is None:
                    body = {"detail": response.text[:500]}
                return Reply(status, body, None, response.headers, response.content)
        failures += 1
        if failures > policy.max_retries:
            raise ProviderError(status, attempts, reason, path=path)
        delay = policy.backoff(failures)
        logger.info(
            "%s: %s; retry %d/%d in %.2f s", label, reason, failures, policy.max_retries, delay
        )
        await asyncio.sleep(delay)


def _rate_limit_delay(
    headers: httpx.Headers, limiter: RateLimiter, policy: RetryPolicy, rate_limited: int
) -> float:
    """Retry-After, else the provider's window reset, else our own estimate or a back-off."""
    for delay in (parse_retry_after(headers), limiter.reset_after(headers)):
        if delay is not None:
            return delay
    return limiter.delay() or policy.backoff(rate_limited)
