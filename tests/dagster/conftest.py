"""Shared parts for the Dagster tests: a real simulator on loopback and resources pointed at it."""

import pytest

from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from simulator import SimulatorConfig, SimulatorServer

FAST = dict(poll_interval_s=0.02, poll_max_interval_s=0.1, request_timeout_s=5.0,
            lookup_timeout_s=30.0, retry_base_s=0.01, retry_max_s=0.05)


@pytest.fixture
def sim():
    with SimulatorServer(SimulatorConfig(time_scale=0.01, latency_s=(1.0, 3.0)), port=0) as server:
        yield server


@pytest.fixture
def nyne(sim) -> NyneApi:
    return nyne_for(sim)


def nyne_for(sim, **overrides) -> NyneApi:
    settings = {k: v for k, v in FAST.items() if k in NyneApi.model_fields}
    settings.update(overrides)
    return NyneApi(base_url=sim.url, api_key=sim.config.api_key,
                   api_secret=sim.config.api_secret, **settings)


@pytest.fixture
def storage(tmp_path) -> SocialStorage:
    return SocialStorage(data_dir=str(tmp_path / "data"))


def submits(sim) -> list:
    """The API submits the simulator saw (POST /person/interactions)."""
    return [r for r in sim.request_log if r.method == "POST" and r.path.startswith("/person/")]


def world_usernames(sim, relation: str, platform: str, username: str) -> set[str]:
    """The simulator's truth: usernames of ``relation`` (followers/following) of an account."""
    accounts = getattr(sim.world, relation)(platform, username, sim.config.epoch)
    return {account.username for account in accounts}
