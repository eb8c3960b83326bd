"""Rate limits: two fixed windows, the six headers on every API response, 429 with
Retry-After, polls counted, refusals and /usage not counted."""

from __future__ import annotations

import re
import time

import pytest

HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
           "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
DECIMAL = re.compile(r"^\d+\.\d{3}$")


def _unknown_poll(client):
    """The cheapest counted request: a poll of an id that does not exist (404)."""
    return client.get("/person/interactions", params={"request_id": "interaction_x"})


def test_every_api_response_carries_the_rate_headers(make_sim, api_for):
    api = api_for(make_sim(rate_per_minute=60, rate_per_hour=1000))
    before = time.time()
    responses = [api.submit(username="janedoe", type="followers"), _unknown_poll(api.client),
                 api.submit(type="followers"), api.client.get("/usage")]
    assert [r.status_code for r in responses] == [202, 404, 400, 200]
    for response in responses:
        assert all(name in response.headers for name in HEADERS), response.headers
        assert response.headers["X-RateLimit-Limit"] == response.headers["RateLimit-Limit"]
        assert float(response.headers["X-RateLimit-Reset"]) > before
        assert 0 < float(response.headers["RateLimit-Reset"]) <= 0.6  # minute window, scaled
        assert DECIMAL.match(response.headers["RateLimit-Reset"])  # fractional below scale 1
    assert [r.headers["X-RateLimit-Remaining"] for r in responses] == ["59", "58", "57", "57"]


def test_the_minute_window_refuses_with_429_and_retry_after_then_reopens(make_sim, client_for):
    client = client_for(make_sim(rate_per_minute=5, rate_per_hour=1000))
    remaining = [_unknown_poll(client).headers["X-RateLimit-Remaining"] for _ in range(5)]
    assert remaining == ["4", "3", "2", "1", "0"]
    refused = _unknown_poll(client)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
    retry_after = float(refused.headers["Retry-After"])
    assert 0 < retry_after <= 0.6
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Limit"] == "5"
    time.sleep(retry_after + 0.02)
    reopened = _unknown_poll(client)
    assert reopened.status_code == 404 and reopened.headers["X-RateLimit-Remaining"] == "4"


def test_refused_requests_do_not_count(make_sim, client_for):
    client = client_for(make_sim(rate_per_minute=2, rate_per_hour=5))
    _unknown_poll(client), _unknown_poll(client)
    for _ in range(10):
        assert _unknown_poll(client).status_code == 429
    time.sleep(float(_unknown_poll(client).headers["Retry-After"]) + 0.02)
    # The hour window saw 2 counted requests, not 13: 3 remain there.
    reopened = _unknown_poll(client)
    assert reopened.status_code == 404
    assert reopened.headers["X-RateLimit-Limit"] == "2"
    assert reopened.headers["X-RateLimit-Remaining"] == "1"
    _unknown_poll(client)
    time.sleep(0.62)
    assert _unknown_poll(client).headers["RateLimit-Limit"] == "5"


def test_the_hour_window_describes_itself_when_it_is_the_tighter_one(make_sim, client_for):
    client = client_for(make_sim(rate_per_minute=50, rate_per_hour=3))
    first = _unknown_poll(client)
    assert first.headers["X-RateLimit-Limit"] == "3"
    assert first.headers["X-RateLimit-Remaining"] == "2"
    assert 0.6 < float(first.headers["RateLimit-Reset"]) <= 36  # hour window, scaled
    _unknown_poll(client), _unknown_poll(client)
    refused = _unknown_poll(client)
    assert refused.status_code == 429
    assert 0.6 < float(refused.headers["Retry-After"]) <= 36


def test_polls_count_against_the_limit_but_cost_nothing(make_sim, api_for):
    sim = make_sim(rate_per_minute=4, rate_per_hour=1000)
    api = api_for(sim)
    request_id = api.submit(username="janedoe", type="followers").json()["data"]["request_id"]
    statuses = [api.poll(request_id).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert sim.credits_used in (0, 3)  # the job may have ended; polls added nothing


def test_usage_and_admin_calls_do_not_count(make_sim, client_for):
    sim = make_sim(rate_per_minute=3, rate_per_hour=1000)
    client = client_for(sim)
    for _ in range(10):
        assert client.get("/usage").status_code == 200
        assert client.get("/_sim/state").status_code == 200
    assert _unknown_poll(client).headers["X-RateLimit-Remaining"] == "2"


def test_a_busy_client_that_honours_retry_after_gets_everything_through(make_sim, api_for):
    api = api_for(make_sim(rate_per_minute=5, rate_per_hour=1000))
    done = 0
    while done < 12:
        response = _unknown_poll(api.client)
        if response.status_code == 429:
            time.sleep(float(response.headers["Retry-After"]))
        else:
            done += 1
    assert done == 12


@pytest.mark.timeout(20)
def test_at_real_speed_reset_and_retry_after_are_whole_seconds(make_sim, client_for):
    client = client_for(make_sim(time_scale=1.0, rate_per_minute=1, rate_per_hour=1000))
    allowed = _unknown_poll(client)
    refused = _unknown_poll(client)
    assert refused.status_code == 429
    for name in ("X-RateLimit-Reset", "RateLimit-Reset"):
        assert allowed.headers[name].isdigit() and refused.headers[name].isdigit()
    assert refused.headers["Retry-After"].isdigit()
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert int(allowed.headers["RateLimit-Reset"]) == 60
