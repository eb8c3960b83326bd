"""Fault injection: each token misbehaves for real over HTTP, in order, without creating
a job, charging, or counting against the rate limit."""

from __future__ import annotations

import json
import time

import httpx
import pytest

LOOKUP = {"username": "janedoe", "type": "followers"}


@pytest.mark.parametrize("token", ["500", "502", "503", "504"])
def test_a_status_fault_answers_that_status_with_internal_error(api, sim, token):
    sim.inject_faults([token])
    response = api.submit(**LOOKUP)
    assert response.status_code == int(token)
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == "internal_error"
    assert len(sim.jobs) == 0
    assert api.submit(**LOOKUP).status_code == 202  # consumed: the next one is fine


def test_a_429_fault_carries_retry_after(api, sim):
    sim.inject_faults(["429"])
    response = api.poll("interaction_x")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limit_exceeded"
    assert float(response.headers["Retry-After"]) == pytest.approx(0.01)


def test_a_drop_fault_closes_the_connection_without_a_response(api, sim):
    sim.inject_faults(["drop"])
    with pytest.raises(httpx.TransportError):
        api.submit(**LOOKUP)
    assert len(sim.jobs) == 0
    assert sim.request_log[-1].status is None and sim.request_log[-1].fault == "drop"
    assert api.submit(**LOOKUP).status_code == 202


def test_a_slow_fault_delays_a_normal_response(api, sim):
    sim.update(slow_s=30.0)  # 0.3 s at this time scale
    sim.inject_faults(["slow"])
    started = time.monotonic()
    response = api.submit(**LOOKUP)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 202 and len(sim.jobs) == 1


def test_a_malformed_fault_sends_a_success_status_with_a_body_that_is_not_json(api, sim):
    sim.inject_faults(["malformed", "malformed"])
    submitted = api.submit(**LOOKUP)
    polled = api.poll("interaction_x")
    assert (submitted.status_code, polled.status_code) == (202, 200)
    for response in (submitted, polled):
        assert response.headers["Content-Type"].startswith("application/json")
        with pytest.raises(json.JSONDecodeError):
            response.json()
    assert len(sim.jobs) == 0


@pytest.mark.timeout(20)
def test_a_timeout_fault_outlasts_the_clients_timeout(make_sim, client_for):
    sim = make_sim(hang_s=1.0)
    sim.inject_faults(["timeout"])
    impatient = client_for(sim, timeout=0.2)
    with pytest.raises(httpx.ReadTimeout):
        impatient.post("/person/interactions", json=LOOKUP)
    assert client_for(sim).post("/person/interactions", json=LOOKUP).status_code == 202


def test_scripted_faults_are_consumed_in_order_one_per_api_request(api, sim):
    sim.inject_faults(["503", "drop", "500"])
    assert api.client.get("/usage").status_code == 200  # /usage is never faulted
    assert api.submit(**LOOKUP).status_code == 503
    with pytest.raises(httpx.TransportError):
        api.poll("interaction_x")
    assert api.poll("interaction_x").status_code == 500
    assert api.submit(**LOOKUP).status_code == 202
    assert [e.fault for e in sim.request_log if e.fault] == ["503", "drop", "500"]


def test_faulted_requests_neither_charge_nor_count(make_sim, api_for):
    sim = make_sim(rate_per_minute=2)
    api = api_for(sim)
    sim.inject_faults(["500", "503", "malformed", "429"])
    for _ in range(4):
        api.submit(**LOOKUP)
    assert api.submit(**LOOKUP).headers["X-RateLimit-Remaining"] == "1"
    assert len(sim.jobs) == 1


def test_random_fault_rates_apply_to_api_requests(api, sim):
    sim.update(fault_rate_5xx=1.0)
    statuses = {api.submit(**LOOKUP).status_code for _ in range(10)}
    assert statuses <= {500, 502, 503, 504} and len(sim.jobs) == 0
    sim.update(fault_rate_5xx=0.0, fault_rate_malformed=0.5)
    outcomes = []
    for _ in range(40):
        response = api.submit(**LOOKUP)
        try:
            response.json()
            outcomes.append("ok")
        except json.JSONDecodeError:
            outcomes.append("malformed")
    assert 5 < outcomes.count("malformed") < 35


def test_an_unknown_fault_token_is_refused(sim):
    with pytest.raises(ValueError, match="unknown fault token"):
        sim.inject_faults(["explode"])
