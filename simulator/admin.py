"""Admin endpoints under `/_sim/` for driving a simulator from another process.

No API credentials, no rate limit, no faults; the handler serves them to loopback clients only.
Answers use the same envelope as the API. Credentials never appear in them.
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from simulator import envelope
from simulator.envelope import Reply, Request
from simulator.state import Simulation


def state(sim: Simulation, request: Request) -> Reply:
    """Credits, charges, request counts, jobs per status, epoch and knobs."""
    now = time.time()
    log = sim.request_log
    by_status: dict[str, int] = {}
    for entry in log:
        key = str(entry.status) if entry.status is not None else "no_response"
        by_status[key] = by_status.get(key, 0) + 1
    return envelope.ok(200, {
        "credits_used": sim.ledger.credits_used,
        "available_credits": sim.ledger.available,
        "charges": [dataclasses.asdict(c) for c in sim.ledger.charges],
        "requests": {"total": len(log), "by_status": by_status,
                     "api": sum(1 for e in log if e.path == "/person/interactions")},
        "jobs": sim.jobs.summary(now),
        "callback_attempts": len(sim.callbacks.attempts),
        "pending_faults": sim.faults.pending,
        "epoch": sim.config.epoch,
        "config": sim.config.public_dict(),
    }, now)


def config(sim: Simulation, request: Request) -> Reply:
    """Update knobs from a JSON object; answers the knobs now live."""
    body = _json_object(request)
    if isinstance(body, Reply):
        return body
    try:
        sim.update(**body)
    except (TypeError, ValueError) as bad:
        return envelope.error(400, "invalid_request", str(bad), time.time())
    return envelope.ok(200, {"config": sim.config.public_dict()}, time.time())


def faults(sim: Simulation, request: Request) -> Reply:
    """Queue faults for the next API requests: `{"next": ["503", "drop", ...]}`."""
    body = _json_object(request)
    if isinstance(body, Reply):
        return body
    try:
        sim.faults.inject(list(body.get("next", [])))
    except (TypeError, ValueError) as bad:
        return envelope.error(400, "invalid_request", str(bad), time.time())
    return envelope.ok(200, {"pending_faults": sim.faults.pending}, time.time())


def epoch(sim: Simulation, request: Request) -> Reply:
    """Move the world to another snapshot: `{"epoch": n}`."""
    body = _json_object(request)
    if isinstance(body, Reply):
        return body
    try:
        sim.update(epoch=body.get("epoch"))
    except (TypeError, ValueError) as bad:
        return envelope.error(400, "invalid_request", str(bad), time.time())
    return envelope.ok(200, {"epoch": sim.config.epoch}, time.time())


def accounts(sim: Simulation, request: Request) -> Reply:
    """Accounts of a platform, most followed first: `?platform=twitter&limit=50`."""
    platform = request.query.get("platform", "twitter")
    if platform not in sim.world.sizes:
        return envelope.error(400, "invalid_request", f"unknown platform '{platform}'",
                              time.time())
    try:
        limit = max(1, min(int(request.query.get("limit", "50")), 10_000))
    except ValueError:
        return envelope.error(400, "invalid_request", "limit must be an integer", time.time())
    world, current = sim.world, sim.config.epoch
    rows = []
    for account in world.accounts(platform, current):
        followers, following = world.counts(account, current)
        rows.append({"username": account.username, "display_name": account.display_name,
                     "profile_url": account.profile_url, "followers_count": followers,
                     "following_count": following, "verified": account.verified})
    rows.sort(key=lambda row: -row["followers_count"])
    return envelope.ok(200, {"platform": platform, "epoch": current,
                             "accounts": rows[:limit]}, time.time())


def posts(sim: Simulation, request: Request) -> Reply:
    """Posts of a Twitter/X account, with their reply counts: `?username=janedoe`."""
    username = request.query.get("username", "").lstrip("@").lower()
    rows = []
    for tweet_id in sim.world.posts(username):
        post = sim.world.post(tweet_id)
        rows.append({"tweet_id": tweet_id, "url": post.url, "created_at": post.created_at,
                     "reply_count": post.reply_count})
    return envelope.ok(200, {"username": username, "posts": rows}, time.time())


def _json_object(request: Request) -> dict[str, Any] | Reply:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return envelope.error(400, "invalid_request", "body must be a JSON object", time.time())
    return body
