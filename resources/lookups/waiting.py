"""Waiting for a submitted job to end: the one wait loop, and what each status means.

``wait_for_answer`` gives the exact body of a job's final answer, by polling with back-off
until a deadline or, with a callback inbox, by waiting for a delivery and then asking the API
(polls then only a slow backstop for a lost delivery). By default a delivery only says when
to look: anyone holding the callback URL can post one, so what is returned is the API's own
answer to a poll (free in credits, one request against the rate limits); with
``trust_callbacks`` the delivery's body is the answer (the URL's secret token is then the only
authentication) and a lookup costs one request. The first polls come when the job is likely
done (``schedule``, from ``resources.lookups.latency``), and each poll-ended job reports the
interval its end lay in (``observe``). ``settled`` is the one place a job's status is judged:
a ``failed`` job is a ``LookupFailed`` with the API's reason.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Awaitable, Callable, Optional, Sequence

from resources.nyne import ClientSettings, JobStatus, LookupFailed, LookupRequest, LookupTimedOut, NyneClient
from resources.nyne.parsing import MalformedBody, parse_job, unwrap

if TYPE_CHECKING:
    from resources.callbacks.inbox import CallbackInbox, Delivery

logger = logging.getLogger(__name__)

Poll = Callable[[str], Awaitable[JobStatus]]
Observe = Callable[[float, float], None]
_WAITING = ("queued", "processing", "pending")


def settled(job: JobStatus, *, redact: Callable[[str], str],
            request: Optional[LookupRequest] = None) -> bool:
    """True once ``job`` completed; ``LookupFailed`` (the API's reason, redacted) once it
    failed; False while it runs."""
    if job.status == "failed":
        raise LookupFailed(job.request_id, redact(job.error or "no reason given"), request=request)
    if job.completed:
        return True
    if job.status not in _WAITING:
        logger.warning("request_id=%s: unknown status %r, still waiting", job.request_id,
                       job.status)
    return False


async def wait_for_job(
    poll: Poll, request_id: str, settings: ClientSettings, *, redact: Callable[[str], str],
    request: Optional[LookupRequest] = None, deadline: Optional[float] = None,
    schedule: Sequence[float] = (), observe: Optional[Observe] = None,
) -> JobStatus:
    """Poll until the job completes (returned) or fails (``LookupFailed``).

    The first polls come at ``schedule``'s offsets from the call (when the job is likely
    done: ``resources.lookups.latency``), then, or from the start when it is empty,
    ``poll_interval_s`` after the previous one, backing off by ``poll_backoff`` up to
    ``poll_max_interval_s``. ``observe(lo, hi)`` is told, once the job ended, the interval
    its end lay in (s from the call: the last poll that found it running, 0 if none, and the
    answer that found it ended). ``deadline`` (a ``time.monotonic()`` value, default now +
    ``lookup_timeout_s``) raises ``LookupTimedOut``; a poll in flight at the deadline may
    finish up to one request timeout later.
    """
    s = settings
    start = time.monotonic()
    if deadline is None:
        deadline = start + s.lookup_timeout_s
    planned = [start + offset for offset in schedule]
    delay, last_status, running_at = s.poll_interval_s, None, 0.0
    hard_stop = asyncio.timeout(max(0.0, deadline - start) + s.request_timeout_s)
    try:
        async with hard_stop:
            while True:
                backing_off = not planned
                wake = planned.pop(0) if planned else time.monotonic() + delay
                await asyncio.sleep(max(0.0, min(wake, deadline) - time.monotonic()))
                asked_at = time.monotonic() - start
                job = await poll(request_id)
                last_status = job.status
                if job.is_terminal and observe is not None:  # completed or failed alike
                    observe(running_at, time.monotonic() - start)
                if settled(job, redact=redact, request=request):
                    return job
                running_at = asked_at
                if time.monotonic() >= deadline:
                    raise LookupTimedOut(request_id, time.monotonic() - start,
                                         last_status=last_status)
                if backing_off:
                    delay = min(delay * s.poll_backoff, s.poll_max_interval_s)
    except TimeoutError:
        if not hard_stop.expired():
            raise
        raise LookupTimedOut(request_id, time.monotonic() - start,
                             last_status=last_status) from None


async def wait_for_answer(
    client: NyneClient, request_id: str, request: LookupRequest, *,
    inbox: Optional["CallbackInbox"] = None, backstop_poll_s: float = 120.0,
    inbox_check_s: float = 0.25, schedule: Sequence[float] = (),
    observe: Optional[Observe] = None, trust_callbacks: bool = False,
) -> tuple[str, str]:
    """The final answer's exact body, and how the end was learnt (``"poll"``/``"callback"``).

    Polls with the client's back-off and deadline (``wait_for_job``, first at ``schedule``'s
    offsets, ``observe`` told when the job ended); with an ``inbox``, a stored delivery saying
    the job ended is waited for too, whichever comes first, and the polls are only a slow
    backstop (every ``backstop_poll_s``). A delivery is confirmed by a poll, unless
    ``trust_callbacks``: then its body, authenticated by the secret token of the callback URL
    alone, is the answer, and a lookup costs its submit only."""
    bodies: list[bytes] = []
    poll = _recording_poll(client, bodies)
    settings = client.settings
    if inbox is not None:
        settings = replace(settings, poll_interval_s=backstop_poll_s,
                           poll_max_interval_s=backstop_poll_s)
        schedule, observe = (), None  # the backstop's timing says nothing of the job's
    polling = asyncio.ensure_future(wait_for_job(poll, request_id, settings,
                                                 redact=client.redact, request=request,
                                                 schedule=schedule, observe=observe))
    tasks = {polling}
    if inbox is not None:
        tasks.add(asyncio.ensure_future(_delivered(inbox, request_id, inbox_check_s)))
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
    # Both may end at once: an answer beats the other's error.
    finished = next((t for t in done if t.exception() is None), next(iter(done)))
    if finished is polling:
        finished.result()  # LookupFailed, LookupTimedOut, RequestNotFound, ...
        return bodies[-1].decode("utf-8"), "poll"
    if trust_callbacks:
        trusted = _trusted(finished.result(), client, request_id, request)
        if trusted is not None:
            return trusted, "callback"
    return await _confirmed(client, request_id, request), "callback"


def _trusted(delivery: "Delivery", client: NyneClient, request_id: str,
             request: LookupRequest) -> Optional[str]:
    """A terminal delivery's body as the answer (``LookupFailed`` when it says the job
    failed), or None when it does not read as this request's end (then a poll decides)."""
    try:
        job = parse_job(unwrap(json.loads(delivery.body)), request_id=request_id,
                        with_result=False)
    except (ValueError, MalformedBody):
        return None
    if job.request_id != request_id or not job.is_terminal:
        return None
    settled(job, redact=client.redact, request=request)
    return delivery.body.decode("utf-8")


async def _confirmed(client: NyneClient, request_id: str, request: LookupRequest) -> str:
    """The API's own answer once a delivery said the job ended; a delivery the API does not
    bear out is a wake-up that came early, and the polls go on."""
    bodies: list[bytes] = []
    poll = _recording_poll(client, bodies)
    if not settled(await poll(request_id), redact=client.redact, request=request):
        logger.warning("request %s: a callback said it ended, the API does not yet; polling",
                       request_id)
        await wait_for_job(poll, request_id, client.settings, redact=client.redact,
                           request=request)
    return bodies[-1].decode("utf-8")


def _recording_poll(client: NyneClient, bodies: list[bytes]) -> Poll:
    """A poll that keeps each answer's exact bytes in ``bodies`` (parsed after landing)."""
    async def poll(rid: str) -> JobStatus:
        job, raw = await client.poll_raw(rid)
        bodies.append(raw)
        return job

    return poll


async def _delivered(inbox: "CallbackInbox", request_id: str, check_s: float) -> "Delivery":
    """The receiver's stored delivery, once one says the request ended."""
    while True:
        delivery = inbox.get(request_id)
        if delivery is not None and delivery.is_terminal:
            return delivery
        await asyncio.sleep(check_s)
