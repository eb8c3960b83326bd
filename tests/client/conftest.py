"""Shared parts for the client tests: the real simulator on loopback, and clients tuned to it.

The simulator runs at ``time_scale=0.01``: a provider minute lasts 0.6 s, a job 10-20 ms.
Clients get short timeouts and polls, and rate windows scaled like the simulator's.
"""

import dataclasses

import pytest

from resources.nyne import ClientSettings, NyneClient
from simulator import SimulatorConfig, SimulatorServer

SCALE = 0.01
# Distinctive credentials, so a leak is easy to spot in logs and messages.
API_KEY = "sim-key-7f3a9c"
API_SECRET = "sim-secret-d41b8e"
FAST = ClientSettings(
    request_timeout_s=2.0,
    poll_interval_s=0.02,
    poll_max_interval_s=0.1,
    lookup_timeout_s=20.0,
    max_retries=3,
    retry_base_s=0.01,
    retry_max_s=0.05,
    minute_window_s=60 * SCALE,
    hour_window_s=3600 * SCALE,
)


@pytest.fixture
def sim():
    config = SimulatorConfig(time_scale=SCALE, latency_s=(1.0, 2.0), api_key=API_KEY, api_secret=API_SECRET)
    with SimulatorServer(config, port=0) as server:
        yield server


@pytest.fixture
def make_client(sim):
    """``make_client(**settings_overrides)``: a client of the simulator (use with ``async with``)."""

    def make(*, api_key=API_KEY, api_secret=API_SECRET, http=None, limiter=None, **overrides):
        settings = dataclasses.replace(FAST, **overrides)
        return NyneClient(sim.url, api_key, api_secret, settings=settings, http=http, limiter=limiter)

    return make


def api_requests(sim, method=None):
    """The /person/interactions requests the simulator saw, optionally of one method."""
    return [r for r in sim.request_log if r.path == "/person/interactions" and (method is None or r.method == method)]


@pytest.fixture
def api_log(sim):
    return lambda method=None: api_requests(sim, method)
