"""The fault suite's harness: the simulator over loopback, a real Dagster instance, real files.

``Harness.run`` materializes the account or post assets for some partition keys (a
single-run range, as a backfill does) and ``assert_paid_once_and_kept`` states the two
promises every scenario checks: every result the simulator charged for is in ``landing/``,
and no lookup was charged twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from resources.lookups.ledger import RequestLedger
from resources.settings import Settings
from resources.lookups.ledger.resource import LedgerResource
from resources.storage import SocialStorage
from simulator import SimulatorConfig, SimulatorServer
from social_assets.accounts import account_edges
from resources.lookups.landing import iter_landed, landing_dir, read_landed
from social_assets.posts import repliers
from tests.dagster.conftest import nyne_for, submits, target_list_for

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
SIM = dict(time_scale=0.01, latency_s=(1.0, 2.0), fault_retry_after_s=1.0, hang_s=1.5)


@dataclass
class Harness:
    sim: SimulatorServer
    instance: dg.DagsterInstance
    data: Path

    @property
    def storage(self) -> SocialStorage:
        return SocialStorage(data_dir=str(self.data))

    def ledger(self) -> RequestLedger:
        return RequestLedger(Settings.resolve(data_dir=self.data).ledger_url)

    def run(self, keys: list[str], *, posts: bool = False, collect=("followers", "following"),
            ledger_url=None, reuse_window_s: float = 0.0, tags=None, **nyne_overrides):
        """Materialize ``keys`` in one range run (with ``tags`` too); account rows collect
        ``collect``."""
        name = "posts" if posts else "accounts"
        known = set(self.instance.get_dynamic_partitions(name))
        self.instance.add_dynamic_partitions(name, [k for k in keys if k not in known])
        tags = {**(tags or {}), "dagster/asset_partition_range_start": keys[0],
                "dagster/asset_partition_range_end": keys[-1]}
        return dg.materialize(
            [repliers] if posts else [account_edges], instance=self.instance, run_config=QUIET,
            resources={"nyne": nyne_for(self.sim, **nyne_overrides), "storage": self.storage,
                       "ledger": LedgerResource(url=ledger_url, reuse_window_s=reuse_window_s),
                       "target_list": target_list_for(self.data.parent, [] if posts else keys,
                                                      collect)},
            tags=tags, raise_on_error=False)

    def landed_ids(self) -> set[str]:
        return {read_landed(p).request_id for p in iter_landed(landing_dir(self.data))}

    def parquet_targets(self, asset: str) -> set[str]:
        return {p.parent.name for p in (self.data / "raw" / asset).glob("*/*/*.parquet")}

    def failures(self, result) -> dict[str, str]:
        events = result.get_step_failure_events()
        if not events:
            return {}
        data = events[0].step_failure_data.user_failure_data
        return data.metadata["failures"].value if data else {"step": str(events[0])}

    def submits(self) -> int:
        return len(submits(self.sim))

    def assert_paid_once_and_kept(self) -> None:
        charged = [c for c in self.sim.charges if c.credits]
        assert {c.request_id for c in charged} <= self.landed_ids(), "a paid result was lost"
        twice = Counter((c.platform, c.interaction_type, c.target) for c in charged)
        assert [k for k, n in twice.items() if n > 1] == [], "a lookup was charged twice"


def make_harness(tmp_path: Path, **sim_overrides):
    config = SimulatorConfig(**{**SIM, **sim_overrides})
    return SimulatorServer(config, port=0), tmp_path / "data"


@pytest.fixture
def harness(tmp_path, request):
    overrides = getattr(request, "param", {})
    server, data = make_harness(tmp_path, **overrides)
    with server as sim, dg.instance_for_test() as instance:
        yield Harness(sim, instance, data)
