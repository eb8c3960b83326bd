"""The month the whole way: the simulator over HTTP, the project's lookups and writers, an
incremental ``dbt build`` on DuckDB per simulated day, the plan read from the warehouse.

Each day that has lookups: the world moves to epoch d (``POST /_sim/epoch``), the due targets
are looked up through ``resources.lookups`` (ledger, journal, landing archive; one ``followers``
lookup each, ``max_results`` 1000), each result becomes its Parquet snapshot and manifest row
with ``social_assets.parquet`` / ``social_assets.snapshots`` (``fetched_at`` = the simulated
day, not the wall clock: the plan's intervals are in days), and ``dbt build --select
+refresh_plan`` brings the warehouse up to date. The plan is the warehouse's ``refresh_plan``
as the sensor reads it (``read_plan``); credits are the simulator's own ledger
(``/_sim/state``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb
import httpx

from benchmarks.refresh.dbt_run import dbt
from benchmarks.refresh.month import Look
from benchmarks.refresh.world import MAX_RESULTS, Target, day_at
from resources.lookups import DurableLookups, LookupResult, LookupService, landing_dir
from resources.lookups.journal import RequestJournal
from resources.lookups.ledger import RequestLedger
from resources.nyne import ClientSettings, LookupRequest, NyneClient
from resources.settings import Settings
from social_assets.parquet import edge_table, ensure_schema_files, snapshot_path, write_snapshot
from social_assets.refresh.plan_rows import PlanRow, read_plan
from social_assets.snapshots import Snapshot, write_manifest


# The plan and what it reads, with their data tests (unit tests are the test suite's: they
# check the SQL, not the month's data).
BUILD = ["build", "--select", "+refresh_plan", "--indirect-selection", "cautious",
         "--exclude-resource-type", "unit_test"]


def client_settings(scale: float) -> ClientSettings:
    """The client's clock scaled like the simulator's (windows, polls, back-offs)."""
    return ClientSettings(request_timeout_s=max(2.0, 30.0 * scale), poll_interval_s=2.0 * scale,
                          poll_max_interval_s=10.0 * scale, lookup_timeout_s=600.0,
                          retry_base_s=scale, retry_max_s=60.0 * scale,
                          minute_window_s=60.0 * scale, hour_window_s=3600.0 * scale)


class OverHttp:
    """A ``month.Collector`` on a running simulator; everything it writes is in `work_dir`."""

    def __init__(self, sim_url: str, api_key: str, api_secret: str, work_dir: Path,
                 dbt_vars: dict[str, Any], *, scale: float, label: str) -> None:
        self.url, self.work_dir, self.dbt_vars = sim_url, Path(work_dir), dbt_vars
        self.label = label
        self._key, self._secret, self.scale = api_key, api_secret, scale
        self.raw = self.work_dir / "raw"
        ensure_schema_files(self.raw)
        self.ledger = RequestLedger(f"sqlite:///{self.work_dir / 'ledger.sqlite'}")
        self.journal = RequestJournal.of(self.work_dir)
        self.builds = 0
        self.build_s = 0.0

    def look_up(self, day: int, targets: list[Target]) -> list[Look]:
        admin = httpx.post(f"{self.url}/_sim/epoch", json={"epoch": day}, trust_env=False)
        admin.raise_for_status()
        client = NyneClient(self.url, self._key, self._secret,
                            settings=client_settings(self.scale))
        service = LookupService(client, DurableLookups(
            client, self.ledger, landing_dir(self.work_dir), f"{self.label}-day-{day}",
            journal=self.journal), max_in_flight=4)
        requests = {t.key: LookupRequest(platform=t.platform, interaction_type="followers",
                                         username=t.username, max_results=MAX_RESULTS)
                    for t in targets}
        by_key = {t.key: t for t in targets}
        looks = []
        for result in service.collect(requests):
            looks.append(self._write(day, by_key[result.key], result))
            service.done(result)
        started = time.perf_counter()
        dbt(BUILD, self.work_dir, self.dbt_vars)
        self.build_s += time.perf_counter() - started
        self.builds += 1
        return looks

    def plan_rows(self, day: int, looks: list[Look]) -> list[PlanRow]:
        return read_plan(self.settings)

    def credits(self) -> int:
        state = httpx.get(f"{self.url}/_sim/state", trust_env=False)
        state.raise_for_status()
        return int(state.json()["data"]["credits_used"])

    @property
    def settings(self) -> Settings:
        return Settings.resolve(data_dir=self.work_dir, dbt_target="duckdb",
                                warehouse_path=self.work_dir / "warehouse.duckdb", environ={})

    def _write(self, day: int, target: Target, result: LookupResult) -> Look:
        """The followers snapshot of one landed result, taken at the simulated day."""
        if not result.ok:
            raise RuntimeError(f"the lookup of {target.key} on day {day} failed: "
                               f"{result.message}")
        landed = result.landed
        answer = landed.job().result
        if answer is None or answer.followers is None:
            raise RuntimeError(f"request {landed.request_id} of {target.key} holds no "
                               f"followers list")
        at = day_at(day)
        table = edge_table(answer.followers, platform=target.platform,
                           target_username=target.username, request_id=landed.request_id,
                           fetched_at=at)
        path = write_snapshot(table, snapshot_path(self.raw / "followers",
                                                   platform=target.platform,
                                                   target=target.username,
                                                   request_id=landed.request_id))
        snap = Snapshot("followers", path, table.num_rows, request_id=landed.request_id,
                        credits=answer.credits, total_count=answer.total_count,
                        truncated=answer.is_truncated(MAX_RESULTS),
                        request_credits=answer.credits,
                        request_total_count=answer.total_count, max_results=MAX_RESULTS)
        write_manifest([snap], self.raw, platform=target.platform, target=target.username,
                       target_username=target.username, fetched_at=at)
        return Look(day, target, frozenset(e.username for e in answer.followers if e.username),
                    landed.request_id)

    def warehouse_changes(self) -> int:
        """Detected changes as the warehouse's ``follower_changes`` reports them."""
        with duckdb.connect(str(self.work_dir / "warehouse.duckdb"), read_only=True) as con:
            (total,) = con.execute("select coalesce(sum(gained + lost), 0) from follower_changes "
                                   "where previous_snapshot_at is not null").fetchone()
        return int(total)
