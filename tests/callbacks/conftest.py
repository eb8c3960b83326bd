"""Shared parts for the callback tests: a real inbox on a SQLite file, a real receiver on a
loopback port, a real simulator delivering to it, and helpers to wait for what they did."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from resources.callbacks import CallbackInbox, CallbackReceiver, callback_url
from simulator import SimulatorConfig, SimulatorServer

# Distinctive, so a leak is easy to spot in logs, answers and output.
TOKEN = "cbTOKEN_4f9e2d7a1c_SECRET"
AUTH = {"X-API-Key": "sim-key", "X-API-Secret": "sim-secret"}
# Jobs of 10-20 ms, retries after 10, 50, 150 ms...; rate limits out of the way.
FAST = {"time_scale": 0.01, "latency_s": (1.0, 2.0), "rate_per_minute": 100_000,
        "rate_per_hour": 1_000_000,
        # 30 s of real time for the receiver to answer (scaled, the default 30 s would be
        # 0.3 s): on a loaded machine a slow answer must not turn into a retried delivery
        # that the exact delivery counts of these tests do not expect.
        "callback_timeout_s": 3000.0}


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what or predicate}")


def payload(request_id: str, status: str, shape: str = "envelope", **extra: Any) -> bytes:
    data = {"request_id": request_id, "status": status, "completed": status == "completed",
            **extra}
    body = {"success": True, "data": data, "timestamp": "2026-11-01T00:00:00"}
    return json.dumps(body if shape == "envelope" else data).encode()


@pytest.fixture
def ledger_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'ledger.sqlite'}"


@pytest.fixture
def inbox(ledger_url) -> CallbackInbox:
    return CallbackInbox(ledger_url)


@pytest.fixture
def receiver(inbox) -> Iterator[CallbackReceiver]:
    with CallbackReceiver(inbox, TOKEN) as running:
        yield running


@pytest.fixture
def hook(receiver) -> str:
    """The receiver's full callback URL (token included)."""
    return callback_url(receiver.url, TOKEN)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0, trust_env=False) as client:
        yield client


@pytest.fixture
def make_sim() -> Iterator[Callable[..., SimulatorServer]]:
    started: list[SimulatorServer] = []

    def start(**knobs: Any) -> SimulatorServer:
        started.append(SimulatorServer(SimulatorConfig(**{**FAST, **knobs}), port=0).start())
        return started[-1]

    yield start
    for sim in started:
        sim.stop()


def submit(sim: SimulatorServer, callback: str, username: str = "janedoe",
           type: str = "followers") -> str:
    """Submit a lookup with a callback_url to the simulator; its request_id."""
    response = httpx.post(f"{sim.url}/person/interactions", headers=AUTH, trust_env=False,
                          json={"username": username, "type": type, "callback_url": callback})
    assert response.status_code == 202, response.text
    return response.json()["data"]["request_id"]


def settled(sim: SimulatorServer, count: int, quiet: float = 0.1) -> list:
    """The simulator's delivery attempts once there are `count` and no more come."""
    wait_until(lambda: len(sim.callback_deliveries) >= count, what=f"{count} deliveries")
    time.sleep(quiet)
    return sim.callback_deliveries
