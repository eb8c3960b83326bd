"""Fixtures for the simulator's tests: a running simulator on a free loopback port and an
httpx client that speaks to it the way the real client would (headers, no env proxies)."""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from simulator import SimulatorConfig, SimulatorServer

AUTH = {"X-API-Key": "sim-key", "X-API-Secret": "sim-secret"}
# Fast clock; rate limits out of the way unless a test is about them.
FAST = {"time_scale": 0.01, "rate_per_minute": 100_000, "rate_per_hour": 1_000_000}
TERMINAL = ("completed", "failed")
# One TLS context for every test client: httpx builds one per client otherwise (~50 ms each),
# though the simulator speaks plain HTTP.
TLS = ssl.create_default_context()


class Api:
    """The few calls every test makes, over real HTTP."""

    def __init__(self, sim: SimulatorServer, client: httpx.Client) -> None:
        self.sim, self.client = sim, client

    def submit(self, **params: Any) -> httpx.Response:
        return self.client.post("/person/interactions", json=params)

    def poll(self, request_id: str) -> httpx.Response:
        return self.client.get("/person/interactions", params={"request_id": request_id})

    def wait(self, request_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Poll until the job ends; returns the last poll's `data`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.poll(request_id)
            assert response.status_code == 200, response.text
            data = response.json()["data"]
            if data["status"] in TERMINAL:
                return data
            time.sleep(0.005)
        raise AssertionError(f"job {request_id} did not end within {timeout} s")

    def lookup(self, **params: Any) -> dict[str, Any]:
        """Submit (expecting 202) and wait for the end; returns the final `data`."""
        response = self.submit(**params)
        assert response.status_code == 202, response.text
        return self.wait(response.json()["data"]["request_id"])


@pytest.fixture
def auth() -> dict[str, str]:
    """The default credentials, as headers."""
    return dict(AUTH)


@pytest.fixture
def make_sim() -> Iterator:
    """Start simulators with FAST defaults overridden by keyword knobs; all stopped after."""
    started: list[SimulatorServer] = []

    def start(**knobs: Any) -> SimulatorServer:
        sim = SimulatorServer(SimulatorConfig(**{**FAST, **knobs})).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture
def client_for() -> Iterator:
    """httpx clients for a simulator: default credentials unless `headers` is given."""
    opened: list[httpx.Client] = []

    def open_client(sim: SimulatorServer, headers: dict[str, str] | None = None,
                    timeout: float = 5.0) -> httpx.Client:
        client = httpx.Client(base_url=sim.url, headers=AUTH if headers is None else headers,
                              timeout=timeout, trust_env=False, verify=TLS)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


@pytest.fixture
def api_for(client_for) -> Any:
    """An Api for another simulator than the default one."""
    return lambda sim: Api(sim, client_for(sim))


@pytest.fixture
def sim(make_sim) -> SimulatorServer:
    return make_sim()


@pytest.fixture
def client(sim: SimulatorServer, client_for) -> httpx.Client:
    return client_for(sim)


@pytest.fixture
def api(sim: SimulatorServer, client: httpx.Client) -> Api:
    return Api(sim, client)
