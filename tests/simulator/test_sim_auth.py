"""Credentials: every documented auth error, the query-parameter form, and no leaks."""

from __future__ import annotations

import logging

import pytest

KEY, SECRET = "sim-key", "sim-secret"


@pytest.mark.parametrize(("headers", "status", "code"), [
    ({}, 401, "missing_api_key"),
    ({"X-API-Secret": SECRET}, 401, "missing_api_key"),
    ({"X-API-Key": "wrong", "X-API-Secret": SECRET}, 401, "invalid_api_key"),
    ({"X-API-Key": KEY}, 401, "missing_api_secret"),
    ({"X-API-Key": KEY, "X-API-Secret": "wrong"}, 401, "invalid_api_secret"),
], ids=["nothing", "secret-only", "wrong-key", "no-secret", "wrong-secret"])
def test_bad_credentials_are_refused_with_the_documented_code(sim, client_for, headers,
                                                               status, code):
    client = client_for(sim, headers=headers)
    for response in (client.post("/person/interactions", json={"username": "janedoe",
                                                                "type": "followers"}),
                     client.get("/person/interactions", params={"request_id": "x"}),
                     client.get("/usage")):
        assert response.status_code == status
        body = response.json()
        assert body["success"] is False and body["error"]["code"] == code
    assert len(sim.jobs) == 0


def test_a_disabled_key_is_403_api_key_disabled(make_sim, client_for):
    sim = make_sim(disabled_keys={"old-key"})
    client = client_for(sim, headers={"X-API-Key": "old-key", "X-API-Secret": SECRET})
    response = client.post("/person/interactions", json={"username": "janedoe",
                                                         "type": "followers"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "api_key_disabled"


def test_credentials_as_query_parameters_are_accepted_and_never_logged(sim, client_for, caplog):
    client = client_for(sim, headers={})
    with caplog.at_level(logging.DEBUG, logger="simulator"):
        response = client.post("/person/interactions",
                               params={"api_key": KEY, "api_secret": SECRET},
                               json={"username": "janedoe", "type": "followers"})
        assert response.status_code == 202
    text = _simulator_log(caplog)
    assert "POST /person/interactions -> 202" in text
    assert SECRET not in text and KEY not in text
    assert all("?" not in entry.path for entry in sim.request_log)
    assert SECRET not in repr(sim.request_log)


def test_header_values_never_reach_the_log_or_the_request_log(api, sim, caplog):
    with caplog.at_level(logging.DEBUG, logger="simulator"):
        api.lookup(username="janedoe", type="followers")
        api.client.get("/usage")
    text = _simulator_log(caplog)
    assert text and SECRET not in text and KEY not in text
    assert SECRET not in repr(sim.request_log) and KEY not in repr(sim.request_log)


def test_auth_failures_do_not_count_against_the_rate_limit(make_sim, client_for):
    sim = make_sim(rate_per_minute=2)
    bad = client_for(sim, headers={"X-API-Key": "wrong", "X-API-Secret": SECRET})
    for _ in range(5):
        assert bad.get("/person/interactions", params={"request_id": "x"}).status_code == 401
    good = client_for(sim)
    response = good.get("/person/interactions", params={"request_id": "x"})
    assert response.status_code == 404
    assert response.headers["X-RateLimit-Remaining"] == "1"


def _simulator_log(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "simulator")
