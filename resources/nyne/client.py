"""The async client of the Nyne Social Interactions API.

``NyneClient`` is the only code that knows URLs, auth headers and status codes. Use it as
``async with NyneClient(...) as client:`` inside the coroutine that uses it; it owns an
``httpx.AsyncClient`` unless one is injected. One client can run many lookups concurrently
(``asyncio.gather``): they share its rate limiter, so polls and submits together stay within
the provider's limits.

Cost (from the provider's documentation): a lookup costs 3 credits if its result is
non-empty, 0 if empty; polls and ``usage()`` are free but count against the rate limit.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from typing import Any, Awaitable, Callable, Optional, Union

import httpx

from .credentials import Credentials
from .errors import LookupFailed, LookupTimedOut, ProviderError, UnknownResultShape, error_from_response
from .limiter import RateLimiter
from .models import JobStatus, LookupOutcome, LookupRequest, Submission, Usage
from .parsing import parse_job, parse_usage
from .retry import Reply, RetryPolicy, send_with_retries
from .settings import ClientSettings
from .waiting import wait_for_job

logger = logging.getLogger(__name__)

INTERACTIONS_PATH = "/person/interactions"  # POST submits, GET ?request_id= polls
USAGE_PATH = "/usage"
USER_AGENT = "social-graph-nyne-client/0.1"

OnSubmitted = Callable[[str], Union[None, Awaitable[None]]]


class NyneClient:
    """Submit lookups, poll them, and read usage. See the module docstring for the contract."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        api_secret: str,
        *,
        settings: ClientSettings = ClientSettings(),
        limiter: Optional[RateLimiter] = None,
        http: Optional[httpx.AsyncClient] = None,
        redact_also: tuple[str, ...] = (),
    ) -> None:
        self._credentials = Credentials(api_key, api_secret, redact_also)
        self.base_url = base_url.rstrip("/")
        self.settings = settings
        self.limiter = limiter or RateLimiter(
            settings.rate_limits(), safety_margin_s=settings.rate_safety_margin_s
        )
        self._policy = RetryPolicy(
            max_retries=settings.max_retries,
            base_s=settings.retry_base_s,
            max_s=settings.retry_max_s,
            max_rate_limit_retries=settings.max_rate_limit_retries,
        )
        self._http = http
        self._owns_http = http is None
        self._slots: Optional[asyncio.Semaphore] = None
        self._slots_loop: Optional[asyncio.AbstractEventLoop] = None

    def redact(self, text: str) -> str:
        """``text`` without the credentials (and ``redact_also``), for logs and errors."""
        return self._credentials.redact(text)

    def __repr__(self) -> str:
        return f"NyneClient(base_url={self.base_url!r}, api_key='***', api_secret='***')"

    async def __aenter__(self) -> "NyneClient":
        if self._http is None:
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(self.settings.request_timeout_s), follow_redirects=False
            )
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    # -- plumbing ---------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[dict[str, Any]] = None,
        json: Optional[dict[str, Any]] = None,
        request_id: Optional[str] = None,
        request: Optional[LookupRequest] = None,
    ) -> Reply:
        http = self._http
        if http is None:
            raise RuntimeError("use the client as `async with NyneClient(...) as client:`")
        headers = {**self._credentials.headers(), "Accept": "application/json", "User-Agent": USER_AGENT}
        url = self.base_url + path
        timeout = self.settings.request_timeout_s

        async def send() -> httpx.Response:
            return await http.request(
                method, url, params=params, json=json, headers=headers, timeout=timeout
            )

        label = f"{method} {path}" + (f" request_id={request_id}" if request_id else "")
        reply = await send_with_retries(
            send, label=label, policy=self._policy, limiter=self.limiter, path=path,
            redact=self._credentials.redact,
        )  # fmt: skip
        success = reply.body.get("success") if isinstance(reply.body, dict) else None
        if reply.data is None or success is False:
            raise error_from_response(
                reply.status, reply.body, path=path, request_id=request_id, request=request,
                redact=self._credentials.redact,
            )  # fmt: skip
        return reply

    # -- the API ----------------------------------------------------------------------------

    async def _submit(self, req: LookupRequest) -> JobStatus:
        reply = await self._request("POST", INTERACTIONS_PATH, json=req.to_json(), request=req)
        data = reply.data or {}
        request_id = data.get("request_id")
        if not request_id:
            # Not retried: the job may exist, and a resubmit would be charged again.
            raise ProviderError(reply.status, 1, "submit answer has no request_id", path=INTERACTIONS_PATH)
        try:
            job = parse_job(data, request_id=str(request_id), expected_type=req.interaction_type)
        except UnknownResultShape:  # a result inlined in the submit answer: poll for it instead
            job = JobStatus(str(request_id), str(data.get("status") or "queued"), completed=False)
        logger.info("submitted %s -> request_id=%s (%s)", req.describe(), job.request_id, job.status)
        return job

    async def submit(self, req: LookupRequest) -> Submission:
        """Start a lookup (``POST /person/interactions``). Returns its request id.

        Not idempotent: every successful submit is a new job (3 credits if non-empty).
        """
        job = await self._submit(req)
        return Submission(job.request_id, job.status)

    async def poll(self, request_id: str, *, expected_type: Optional[str] = None) -> JobStatus:
        """One status check (free, but rate limited). 404 raises ``RequestNotFound``."""
        reply = await self._request(
            "GET", INTERACTIONS_PATH, params={"request_id": request_id}, request_id=request_id
        )
        job = parse_job(reply.data or {}, request_id=request_id, expected_type=expected_type)
        logger.debug("poll request_id=%s: %s", request_id, job.status)
        return job

    async def poll_raw(self, request_id: str) -> tuple[JobStatus, bytes]:
        """One status check that leaves a completed result unparsed: (status, exact body).

        For callers that archive the body before parsing it (``social_assets.durable``).
        """
        reply = await self._request(
            "GET", INTERACTIONS_PATH, params={"request_id": request_id}, request_id=request_id
        )
        return parse_job(reply.data or {}, request_id=request_id, with_result=False), reply.raw

    async def wait(self, request_id: str, **options: Any) -> JobStatus:
        """Poll until the job completes (returned) or fails (``LookupFailed``); ``options`` and
        the back-off and deadline rules are ``waiting.wait_for_job``'s."""
        return await wait_for_job(
            self.poll, request_id, self.settings, redact=self._credentials.redact, **options
        )

    def _lookup_slots(self) -> Optional[asyncio.Semaphore]:
        limit = self.settings.max_concurrent_lookups
        loop = asyncio.get_running_loop()
        if limit and (self._slots is None or self._slots_loop is not loop):
            self._slots, self._slots_loop = asyncio.Semaphore(limit), loop
        return self._slots if limit else None

    async def lookup(
        self, req: LookupRequest, *, on_submitted: Optional[OnSubmitted] = None
    ) -> LookupOutcome:
        """Submit ``req`` and wait for its result.

        ``on_submitted(request_id)`` (sync or async) runs right after the submit, so a caller
        can record the id before the wait. Costs 3 credits if the result is non-empty. At
        most ``settings.max_concurrent_lookups`` lookups of this client run at once (the
        others queue before their submit).
        """
        slots = self._lookup_slots()
        if slots is None:
            return await self._lookup(req, on_submitted)
        async with slots:
            return await self._lookup(req, on_submitted)

    async def _lookup(self, req: LookupRequest, on_submitted: Optional[OnSubmitted]) -> LookupOutcome:
        started = time.monotonic()
        deadline = started + self.settings.lookup_timeout_s
        job = await self._submit(req)
        if on_submitted is not None:
            maybe = on_submitted(job.request_id)
            if inspect.isawaitable(maybe):
                await maybe
        if job.status == "failed":
            reason = self._credentials.redact(job.error or "no reason given")
            raise LookupFailed(job.request_id, reason, request=req)
        if not (job.completed and job.result is not None):
            try:
                job = await self.wait(
                    job.request_id, expected_type=req.interaction_type, request=req, deadline=deadline
                )
            except LookupTimedOut as exc:  # report the whole lookup's time, submit included
                waited = time.monotonic() - started
                raise LookupTimedOut(exc.request_id, waited, last_status=exc.last_status) from None
        result = job.result
        if result is None:  # parse_job never returns a completed job without one
            raise UnknownResultShape("completed without a result", request_id=job.request_id)
        credits = result.credits
        logger.info(
            "lookup %s request_id=%s: %d entries, %d credits",
            req.describe(), job.request_id, len(result.interactions), credits,
        )  # fmt: skip
        return LookupOutcome(job.request_id, result, job.completed_on, credits)

    async def usage(self, month: Optional[int] = None, year: Optional[int] = None) -> Usage:
        """Credits used and left (``GET /usage``; free, synchronous)."""
        params = {k: v for k, v in (("month", month), ("year", year)) if v is not None}
        reply = await self._request("GET", USAGE_PATH, params=params or None)
        return parse_usage(reply.data or {})

