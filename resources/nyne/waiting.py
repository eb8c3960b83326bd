"""Polling a job until it ends: the back-off, the deadline, and what each status means."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Awaitable, Callable, Optional

from .errors import LookupFailed, LookupTimedOut
from .models import JobStatus, LookupRequest
from .settings import ClientSettings

logger = logging.getLogger("resources.nyne.client")

Poll = Callable[..., Awaitable[JobStatus]]


async def wait_for_job(
    poll: Poll,
    request_id: str,
    settings: ClientSettings,
    *,
    redact: Callable[[str], str],
    expected_type: Optional[str] = None,
    request: Optional[LookupRequest] = None,
    timeout_s: Optional[float] = None,
    deadline: Optional[float] = None,
) -> JobStatus:
    """Poll until the job completes (returned) or fails (``LookupFailed``).

    The first poll comes ``poll_interval_s`` after the call, later ones back off by
    ``poll_backoff`` up to ``poll_max_interval_s``. ``deadline`` (a ``time.monotonic()``
    value, default now + ``timeout_s`` or ``lookup_timeout_s``) raises ``LookupTimedOut``;
    a poll in flight at the deadline may finish up to one request timeout later.
    """
    s = settings
    start = time.monotonic()
    if deadline is None:
        deadline = start + (timeout_s if timeout_s is not None else s.lookup_timeout_s)
    delay, last_status = s.poll_interval_s, None
    hard_stop = asyncio.timeout(max(0.0, deadline - start) + s.request_timeout_s)
    try:
        async with hard_stop:
            while True:
                await asyncio.sleep(max(0.0, min(delay, deadline - time.monotonic())))
                job = await poll(request_id, expected_type=expected_type)
                last_status = job.status
                if job.status == "failed":
                    reason = redact(job.error or "no reason given")
                    raise LookupFailed(request_id, reason, request=request)
                if job.completed:
                    return job
                if job.status not in ("queued", "processing", "pending"):
                    logger.warning(
                        "request_id=%s: unknown status %r, still polling", request_id, job.status
                    )
                if time.monotonic() >= deadline:
                    waited = time.monotonic() - start
                    raise LookupTimedOut(request_id, waited, last_status=last_status)
                delay = min(delay * s.poll_backoff, s.poll_max_interval_s)
    except TimeoutError:
        if not hard_stop.expired():
            raise
        waited = time.monotonic() - start
        raise LookupTimedOut(request_id, waited, last_status=last_status) from None
