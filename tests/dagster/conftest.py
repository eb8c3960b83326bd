"""Shared parts for the Dagster tests: a real simulator on loopback and resources pointed at it."""

import uuid
from pathlib import Path

import pytest

from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from resources.target_list import TargetListResource
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


def target_list_for(folder, keys, collect=("followers", "following")) -> TargetListResource:
    """A target list file in ``folder`` naming the account partitions ``keys``, each row
    collecting ``collect``: what the account assets read to decide each key's lookup."""
    from social_assets.targets import parse_partition_key

    rows = []
    for key in keys:
        platform, username = parse_partition_key("accounts", key)
        rows.append(f"  - {{platform: {platform}, username: '{username}', "
                    f"collect: [{', '.join(collect)}]}}")
    path = Path(folder) / f"targets-{uuid.uuid4().hex[:8]}.yaml"  # one per call: runs overlap
    path.write_text("targets:\n" + "\n".join(rows) + "\n")
    return TargetListResource(path=str(path))


def run_keys(request, order) -> tuple[str, tuple[str, ...]]:
    """(job name, the partition keys it covers) of a run request: one key, or a range of the
    partition order ``order`` (a list of keys) given by the range tags."""
    if request.partition_key is not None:
        return request.job_name, (request.partition_key,)
    start = order.index(request.tags["dagster/asset_partition_range_start"])
    end = order.index(request.tags["dagster/asset_partition_range_end"])
    return request.job_name, tuple(order[start:end + 1])
