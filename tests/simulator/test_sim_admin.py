"""Routing, the /_sim admin endpoints, the server object, and `python -m simulator`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
import pytest

from simulator import SimulatorConfig, SimulatorServer
from tests.signals import ignore_stop_signals


def test_an_unknown_path_is_404_and_a_wrong_method_is_405(client):
    missing = client.get("/person/interaction")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.delete("/person/interactions")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"
    assert wrong.headers["Allow"] == "GET, POST"
    assert client.post("/usage").status_code == 405


def test_state_reports_credits_charges_requests_jobs_and_epoch_without_secrets(api, sim):
    data = api.lookup(username="janedoe", type="followers")
    state = httpx.get(f"{sim.url}/_sim/state", trust_env=False).json()["data"]
    assert state["credits_used"] == 3 and state["epoch"] == 0
    assert state["charges"][0]["request_id"] == data["request_id"]
    assert state["jobs"] == {"completed": 1}
    assert state["requests"]["api"] >= 2
    assert "api_secret" not in state["config"] and "sim-secret" not in str(state)


def test_config_faults_and_epoch_can_be_driven_from_another_process(api, sim):
    admin = httpx.Client(base_url=sim.url, trust_env=False)
    changed = admin.post("/_sim/config", json={"compound_shape": "split", "latency_s": [1, 2]})
    assert changed.status_code == 200
    assert changed.json()["data"]["config"]["compound_shape"] == "split"
    assert sim.config.compound_shape == "split" and sim.config.latency_s == (1.0, 2.0)
    assert admin.post("/_sim/config", json={"no_such_knob": 1}).status_code == 400
    assert admin.post("/_sim/config", json={"entry_shape": "weird"}).status_code == 400
    assert sim.config.entry_shape == "flat"

    assert admin.post("/_sim/faults", json={"next": ["503"]}).json()["data"] == {
        "pending_faults": ["503"]}
    assert api.submit(username="janedoe", type="followers").status_code == 503
    assert admin.post("/_sim/faults", json={"next": ["boom"]}).status_code == 400

    assert admin.post("/_sim/epoch", json={"epoch": 4}).json()["data"] == {"epoch": 4}
    assert sim.config.epoch == 4
    assert admin.post("/_sim/epoch", json={"epoch": "soon"}).status_code == 400
    admin.close()


def test_accounts_and_posts_list_what_examples_can_use(sim):
    accounts = httpx.get(f"{sim.url}/_sim/accounts", params={"platform": "instagram",
                                                             "limit": 5}, trust_env=False)
    rows = accounts.json()["data"]["accounts"]
    assert len(rows) == 5 and rows[0]["username"] == "nasa"
    assert rows == sorted(rows, key=lambda r: -r["followers_count"])
    posts = httpx.get(f"{sim.url}/_sim/posts", params={"username": "janedoe"},
                      trust_env=False).json()["data"]["posts"]
    assert [(p["tweet_id"], p["reply_count"]) for p in posts] == [
        ("1786123456789012345", 48), ("1798765432109876543", 7), ("1803000000000000042", 0)]
    assert posts[0]["url"] == "https://x.com/janedoe/status/1786123456789012345"


def test_the_server_starts_and_stops_without_a_with_block():
    server = SimulatorServer(SimulatorConfig(time_scale=0.01), host="127.0.0.1", port=0)
    server.start()
    url = server.url
    assert url.startswith("http://127.0.0.1:")
    assert httpx.get(f"{url}/_sim/state", trust_env=False).status_code == 200
    server.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/_sim/state", trust_env=False, timeout=1)
    server.stop()  # idempotent


def test_a_kept_alive_connection_is_closed_when_the_server_stops(sim, client):
    assert client.get("/usage").status_code == 200
    sim.stop()
    with pytest.raises(httpx.TransportError):
        client.get("/usage")


def test_an_unknown_knob_is_refused_by_update(sim):
    with pytest.raises(ValueError, match="unknown simulator knob"):
        sim.update(warp_speed=9)
    with pytest.raises(ValueError, match="time_scale"):
        sim.update(time_scale=0)


def test_python_m_simulator_serves_until_interrupted_and_prints_url_and_credentials():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    # Started as a background job or under a wrapper is: SIGINT and SIGTERM ignored. The
    # simulator still stops on Ctrl-C (it handles both itself; before, it hung here).
    process = subprocess.Popen([sys.executable, "-m", "simulator", "--port", "0",
                                "--time-scale", "0.01"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env,
                               preexec_fn=ignore_stop_signals)
    try:
        first = process.stdout.readline()
        url = first.split()[-1]
        assert url.startswith("http://127.0.0.1:")
        assert "sim-key" in process.stdout.readline()
        assert "Ctrl-C to stop" in process.stdout.readline()  # announced: now it only waits
        response = httpx.get(f"{url}/usage", trust_env=False, timeout=120,
                             headers={"X-API-Key": "sim-key", "X-API-Secret": "sim-secret"})
        assert response.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:  # a guard against a hang, not a speed check: a loaded machine may take a while
            _, stderr = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()  # never left running after the test
            process.communicate()
            raise
    assert process.returncode == 0
    assert "GET /usage -> 200" in stderr and "sim-secret" not in stderr
