"""The API endpoints proper: submit, poll, usage, behind authentication and the rate limit.

Order of checks on an API request (after fault injection, which the handler owns):
credentials (401/403, no rate headers: no account is known yet), then the rate limit for
counted endpoints (429, uncounted), then the endpoint's own checks. Every authenticated
response carries the rate headers; `/usage` reads them without counting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone

from simulator import envelope
from simulator.auth import AuthError, authenticate
from simulator.envelope import Reply, Request
from simulator.state import Simulation
from simulator.validation import InvalidRequest, parse_submit

Endpoint = Callable[[Simulation, Request, float], Reply]


def api_call(sim: Simulation, request: Request, endpoint: Endpoint, counted: bool) -> Reply:
    """Authenticate, apply the rate limit (if `counted`), run `endpoint`, add rate headers."""
    now = time.time()
    try:
        authenticate(sim.config, request.headers, request.query)
    except AuthError as failure:
        return envelope.error(failure.status, failure.code, failure.message, now)
    if counted:
        decision = sim.limiter.admit(now)
        if not decision.allowed:
            reply = envelope.error(429, "rate_limit_exceeded",
                                   f"Rate limit exceeded: retry in {decision.retry_after:.3f} s",
                                   now)
            reply.headers.update(decision.headers)
            return reply
        headers = decision.headers
    else:
        headers = sim.limiter.peek(now)
    reply = endpoint(sim, request, now)
    reply.headers.update(headers)
    return reply


def submit(sim: Simulation, request: Request, now: float) -> Reply:
    """Accept a lookup (202 + request_id). Needs a positive credit balance: 402
    `insufficient_credits` otherwise (choice: the provider's code for it is unknown)."""
    if sim.ledger.available <= 0:
        return envelope.error(402, "insufficient_credits",
                              "Insufficient credits: top up your account to continue", now)
    try:
        spec = parse_submit(request.body, sim.config.callback_allowlist)
    except InvalidRequest as invalid:
        return envelope.error(400, "invalid_request", str(invalid), now)
    job = sim.jobs.create(spec, now)
    sim.ledger.count_submit()
    return envelope.ok(202, {
        "request_id": job.request_id,
        "status": job.status(now),
        "platform": spec.platform,
        "interaction_type": spec.interaction_type,
        "message": "Interaction lookup queued. Poll GET /person/interactions?request_id="
                   f"{job.request_id} for the result.",
    }, now)


def poll(sim: Simulation, request: Request, now: float) -> Reply:
    """The job's status, with its result or error once it ended; 404 if unknown or expired."""
    request_id = request.query.get("request_id", "").strip()
    if not request_id:
        return envelope.error(400, "missing_request_id",
                              "request_id query parameter is required", now)
    job = sim.jobs.poll(request_id, now)
    if job is None:
        return envelope.error(404, "request_not_found",
                              f"Request {request_id} not found or expired", now)
    return envelope.ok(200, job.data(now), now)


def usage(sim: Simulation, request: Request, now: float) -> Reply:
    """Credits used and requests made in a month (default: the current one, UTC). Free.
    The simulator lives within one month: other months read zero."""
    today = datetime.fromtimestamp(now, tz=timezone.utc)
    try:
        month = int(request.query.get("month") or today.month)
        year = int(request.query.get("year") or today.year)
    except ValueError:
        return envelope.error(400, "invalid_request", "month and year must be integers", now)
    if not 1 <= month <= 12:
        return envelope.error(400, "invalid_request", "month must be between 1 and 12", now)
    current = (month, year) == (today.month, today.year)
    ledger = sim.ledger
    return envelope.ok(200, {
        "month": month,
        "year": year,
        "credits_used": ledger.credits_used if current else 0,
        "requests_count": ledger.requests_count if current else 0,
        "limits": {"monthly_allocation": sim.config.initial_credits,
                   "available_credits": ledger.available,
                   "is_unlimited": False},
    }, now)
