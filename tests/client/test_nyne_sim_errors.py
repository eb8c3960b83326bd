"""Every error class against the simulator: what is retried, what is not, and what is raised.

Lookups run the way production runs them (``run_lookups``: ``resources.lookups``); the poll
faults are injected after a submit, so those tests drive the one wait loop
(``resources.lookups.waiting.wait_for_job``) directly.
"""

import asyncio
import logging

import httpx
import pytest

from resources.nyne import (
    AccessDenied,
    ApiError,
    AuthenticationError,
    InsufficientCredits,
    InvalidRequest,
    LookupRequest,
    ProviderError,
    RateLimited,
    UnknownResultShape,
)
from resources.lookups.landing import landing_path
from resources.lookups.waiting import wait_for_job
from resources.nyne import ClientSettings, NyneClient

JANE = LookupRequest("twitter", "followers", username="janedoe")


def lookup(run_lookups, req=JANE, **kw):
    [out] = run_lookups([req], **kw)
    return out


def wait_after_submit(make_client, sim, faults, **settings):
    """Submit JANE, inject ``faults`` (so they hit the polls), then wait as production does."""
    async def go():
        async with make_client(**settings) as client:
            sub = await client.submit(JANE)
            sim.inject_faults(faults)
            poll = lambda rid: client.poll(rid, expected_type="followers")  # noqa: E731
            return await wait_for_job(poll, sub.request_id, client.settings,
                                      redact=client.redact, request=JANE)

    return asyncio.run(go())


def test_a_400_carries_the_providers_message_and_is_not_retried(sim, run_lookups, api_log):
    bad = LookupRequest("twitter", "followers", username="not a handle!")  # valid locally, refused by the API
    with pytest.raises(InvalidRequest) as info:
        lookup(run_lookups, bad)
    err = info.value
    assert err.status == 400 and err.code == "invalid_request"
    assert err.message == "Invalid Twitter/X username 'not a handle!'"
    assert err.request is bad
    assert [r.status for r in api_log()] == [400]
    [row] = run_lookups.ledger.find()
    assert (row.state, row.credits, row.request_id) == ("failed", 0, None)  # refused: nothing bought


@pytest.mark.parametrize(
    "key, secret, code",
    [("wrong-key-123", None, "invalid_api_key"), (None, "wrong-secret-456", "invalid_api_secret")],
)
def test_a_401_is_raised_at_once_and_never_retried(sim, run_lookups, api_log, key, secret, code):
    creds = {k: v for k, v in (("api_key", key), ("api_secret", secret)) if v}
    with pytest.raises(AuthenticationError) as info:
        lookup(run_lookups, **creds)
    assert type(info.value) is AuthenticationError and info.value.status == 401 and info.value.code == code
    assert [r.status for r in api_log()] == [401]  # exactly one request
    assert "wrong-key-123" not in str(info.value) and "wrong-secret-456" not in str(info.value)


def test_a_disabled_key_raises_access_denied_once(sim, run_lookups, api_log):
    sim.update(disabled_keys=frozenset({sim.config.api_key}))
    with pytest.raises(AccessDenied) as info:
        lookup(run_lookups)
    assert info.value.status == 403 and info.value.code == "api_key_disabled"
    assert isinstance(info.value, AuthenticationError)
    assert [r.status for r in api_log()] == [403]


def test_no_credit_left_raises_insufficient_credits_without_retrying(sim, run_lookups, api_log):
    sim.update(initial_credits=0)
    with pytest.raises(InsufficientCredits) as info:
        lookup(run_lookups)
    assert info.value.status == 402 and info.value.code == "insufficient_credits"
    assert [r.status for r in api_log()] == [402]


def test_a_429_waits_retry_after_then_succeeds(sim, run_lookups, api_log):
    sim.update(fault_retry_after_s=40.0)  # Retry-After: 0.4 s at this time scale
    sim.inject_faults(["429"])
    out = lookup(run_lookups)
    assert out.result.followers
    log = api_log()
    assert [r.status for r in log[:2]] == [429, 202]
    assert log[1].at - log[0].at >= 0.4 - 0.01


def test_a_429_on_a_poll_pauses_then_the_lookup_completes(sim, make_client, api_log):
    sim.update(fault_retry_after_s=20.0, latency_s=(10.0, 10.0))
    job = wait_after_submit(make_client, sim, ["429"])
    assert job.completed and job.result.followers
    statuses = [r.status for r in api_log("GET")]
    assert statuses[0] == 429 and statuses[-1] == 200


def test_429s_beyond_their_budget_raise_rate_limited(sim, run_lookups, api_log):
    sim.inject_faults(["429"] * 3)
    with pytest.raises(RateLimited) as info:
        lookup(run_lookups, max_rate_limit_retries=2)
    assert info.value.status == 429 and info.value.retry_after == pytest.approx(0.01, abs=0.005)
    assert len(api_log()) == 3


RETRY_REASON = {"500": "HTTP 500", "502": "HTTP 502", "503": "HTTP 503", "504": "HTTP 504",
                "drop": "RemoteProtocolError", "malformed": "not a JSON envelope", "timeout": "ReadTimeout"}


@pytest.mark.parametrize("fault", sorted(RETRY_REASON))
def test_a_transient_fault_on_submit_is_retried_then_the_lookup_succeeds(sim, run_lookups, api_log, caplog, fault):
    caplog.set_level(logging.INFO, logger="resources.nyne")
    sim.inject_faults([fault])
    out = lookup(run_lookups, request_timeout_s=0.3)
    assert out.credits == 3
    # The submit's retries (a poll may time out too on a loaded machine: 0.3 s is short).
    retries = [r.getMessage() for r in caplog.records
               if "retry 1/3" in r.getMessage() and r.getMessage().startswith("POST ")]
    assert len(retries) == 1 and RETRY_REASON[fault] in retries[0] and retries[0].startswith("POST /person/interactions")
    posts = api_log("POST")
    # A hung ("timeout") request enters the simulator's log only when it ends, after the test.
    assert [r.fault for r in posts] == ([None] if fault == "timeout" else [fault, None])
    assert posts[-1].status == 202
    assert len(sim.charges) == 1  # the faulted submit created no job


@pytest.mark.parametrize("fault", ["503", "drop", "malformed"])
def test_a_transient_fault_on_a_poll_is_retried(sim, make_client, api_log, fault):
    assert wait_after_submit(make_client, sim, [fault, fault]).result.followers
    assert [r.fault for r in api_log("GET")][:3] == [fault, fault, None]


@pytest.mark.parametrize("fault, status", [("503", 503), ("500", 500), ("drop", None), ("malformed", 202)])
def test_faults_outlasting_the_retries_raise_provider_error(sim, run_lookups, api_log, fault, status):
    sim.inject_faults([fault] * 4)
    with pytest.raises(ProviderError) as info:
        lookup(run_lookups, max_retries=3)
    assert info.value.attempts == 4 and info.value.status == status
    assert info.value.path == "/person/interactions"
    assert len(api_log()) == 4  # max_retries=3: one try and three retries, no more


def test_timeouts_outlasting_the_retries_raise_provider_error(sim, run_lookups, api_log):
    sim.inject_faults(["timeout"] * 2)
    with pytest.raises(ProviderError) as info:
        lookup(run_lookups, max_retries=1, request_timeout_s=0.2)
    assert info.value.attempts == 2 and info.value.status is None and "Timeout" in info.value.detail


def test_the_credentials_travel_only_in_headers(sim, make_client, run_lookups):
    seen = []

    async def record(request: httpx.Request) -> None:
        seen.append(request)

    # No kept-alive connection: the lookups' event loop is gone when the test closes ``http``.
    http = httpx.AsyncClient(event_hooks={"request": [record]},
                             limits=httpx.Limits(max_keepalive_connections=0))
    lookup(run_lookups, client=make_client(http=http))
    assert not http.is_closed  # an injected client is left to its owner
    asyncio.run(http.aclose())
    assert len(seen) >= 2 and {r.method for r in seen} == {"POST", "GET"}
    for request in seen:
        assert "api_key" not in request.url.params and "api_secret" not in request.url.params
        assert sim.config.api_key not in str(request.url) and sim.config.api_secret not in str(request.url)
        assert request.headers["X-API-Key"] == sim.config.api_key
        assert request.headers["X-API-Secret"] == sim.config.api_secret


# The one case the simulator cannot produce: a compound result in a shape nobody documented.
def test_an_unknown_compound_shape_raises_unknown_result_shape_naming_the_request(run_lookups):
    request_id = "interaction_feedfacefeedface_1717000000_0001"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(202, json={"success": True, "data": {"request_id": request_id, "status": "queued"}})
        rows = [{"relationship_type": "follower", "username": "a"}, {"relationship_type": "friend", "username": "b"}]
        result = {"interaction_type": "followers,following", "platform": "twitter", "interactions": rows}
        data = {"request_id": request_id, "status": "completed", "completed": True, "result": result}
        return httpx.Response(200, json={"success": True, "data": data, "timestamp": "2026-01-01T00:00:00"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    fast = ClientSettings(poll_interval_s=0.01)
    client = NyneClient("http://stub", "k-stub-1", "s-stub-2", settings=fast, http=http)
    with pytest.raises(UnknownResultShape) as info:
        lookup(run_lookups, LookupRequest("twitter", "followers,following", username="janedoe"),
               client=client)
    asyncio.run(http.aclose())
    assert info.value.request_id == request_id
    assert request_id in str(info.value) and "'friend'" in str(info.value) and "'b'" in str(info.value)
    # What was paid for is kept: archived exactly and left landed for a parser that knows it.
    assert landing_path(run_lookups.landing, request_id).exists()
    [row] = run_lookups.ledger.find(request_id=request_id)
    assert (row.state, row.credits) == ("landed", 3)


def test_a_wrong_base_url_is_not_mistaken_for_an_expired_request(sim):
    async def go():
        async with NyneClient(sim.url + "/v9", sim.config.api_key, sim.config.api_secret) as client:
            await client.poll("interaction_0000000000000000_0_0000")

    with pytest.raises(ApiError) as info:
        asyncio.run(go())
    assert type(info.value) is ApiError and info.value.status == 404 and info.value.code == "not_found"
    assert info.value.path == "/person/interactions"
