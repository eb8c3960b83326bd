"""The async client of the Nyne Social Interactions API.

``NyneClient`` is the only code that knows URLs, auth headers and status codes. Use it as
``async with NyneClient(...) as client:`` inside the coroutine that uses it; it owns an
``httpx.AsyncClient`` unless one is injected. One client serves many lookups at once: they
share its rate limiter, so polls and submits together stay within the provider's limits; with
``rate_limit_url`` naming a shared store (Redis, PostgreSQL, SQLite), every client of the
account in every process takes its slots from the same budget.
Waiting for a job, and paying for it once, is ``resources.lookups``'s job.

Cost (from the provider's documentation): a lookup costs 3 credits if its result is
non-empty, 0 if empty; polls and ``usage()`` are free but count against the rate limit.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import httpx

from .credentials import Credentials
from .errors import ProviderError, UnknownResultShape, error_from_response
from .limiter import RateLimiter
from .ratelimit import LOCAL, account_key, open_store
from .models import JobStatus, LookupRequest, Submission, Usage
from .parsing import parse_job, parse_usage
from .retry import Reply, RetryPolicy, send_with_retries
from .settings import ClientSettings

logger = logging.getLogger(__name__)

INTERACTIONS_PATH = "/person/interactions"  # POST submits, GET ?request_id= polls
USAGE_PATH = "/usage"
USER_AGENT = "social-graph-nyne-client/0.1"


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
        rate_limit_url: str = LOCAL,
        rate_limit_setting: str = "rate_limit_url",
    ) -> None:
        self._credentials = Credentials(api_key, api_secret, redact_also)
        self.base_url = base_url.rstrip("/")
        self.settings = settings
        # Without an injected limiter: one on the store ``rate_limit_url`` names (``local``:
        # this client alone), the account named by a hash of base URL and key. Its lease covers
        # the request timeout on each of httpx's phases (connect, write, read, pool).
        self.limiter = limiter or RateLimiter(
            settings.rate_limits(), safety_margin_s=settings.rate_safety_margin_s,
            store=open_store(rate_limit_url, rate_limit_setting),
            account=account_key(self.base_url, api_key),
            lease_s=4 * settings.request_timeout_s + 30.0,
        )  # fmt: skip
        self._policy = RetryPolicy(
            max_retries=settings.max_retries,
            base_s=settings.retry_base_s,
            max_s=settings.retry_max_s,
            max_rate_limit_retries=settings.max_rate_limit_retries,
        )
        self._http = http
        self._owns_http = http is None

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

        For callers that archive the body before parsing it (``resources.lookups.fetch``).
        """
        reply = await self._request(
            "GET", INTERACTIONS_PATH, params={"request_id": request_id}, request_id=request_id
        )
        return parse_job(reply.data or {}, request_id=request_id, with_result=False), reply.raw

    async def usage(self, month: Optional[int] = None, year: Optional[int] = None) -> Usage:
        """Credits used and left (``GET /usage``; free, synchronous)."""
        params = {k: v for k, v in (("month", month), ("year", year)) if v is not None}
        reply = await self._request("GET", USAGE_PATH, params=params or None)
        return parse_usage(reply.data or {})

