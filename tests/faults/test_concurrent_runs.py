"""Concurrent runs that want the same lookup: one submit, both get the result.

Each "run" is a thread with its own event loop, API client and ledger connection (as two run
workers have), sharing the ledger's database: SQLite in the data folder, or PostgreSQL.
"""

import asyncio
import threading

from resources.lookups.ledger import RequestLedger, engine_for
from resources.settings import Settings
from resources.nyne import LookupRequest
from resources.lookups.fetch import DurableLookups
from tests.dagster.conftest import nyne_for, submits
from tests.postgres import scratch_database

REQUEST = LookupRequest(platform="twitter", interaction_type="followers", username="janedoe",
                        max_results=1000)


def _race(sim, url: str, landing, runs: int = 4) -> list:
    results, errors = [None] * runs, []
    start = threading.Barrier(runs)

    def one(i: int) -> None:
        async def go():
            async with nyne_for(sim).client() as client:
                durable = DurableLookups(client, RequestLedger(url), landing, run_id=f"run-{i}")
                start.wait()
                fetched = await durable.fetch("tw_janedoe", REQUEST)
                durable.done(fetched)
                return fetched

        try:
            results[i] = asyncio.run(go())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return results


def test_four_runs_at_once_submit_the_lookup_once_on_sqlite(harness, tmp_path):
    results = _race(harness.sim, Settings.resolve(data_dir=tmp_path / "data").ledger_url, tmp_path / "data" / "landing")
    assert len(submits(harness.sim)) == 1
    assert len({r.landed.request_id for r in results}) == 1
    assert sum(not r.resumed for r in results) == 1  # one run bought it, three picked it up
    assert harness.sim.credits_used == 3


def test_four_runs_at_once_submit_the_lookup_once_on_postgres(harness, tmp_path):
    with scratch_database() as db:
        url = f"postgresql://{db.user}@{db.host}:{db.port}/{db.dbname}"
        try:
            results = _race(harness.sim, url, tmp_path / "landing")
        finally:
            engine_for(url).dispose()  # the database is dropped next
    assert len(submits(harness.sim)) == 1
    assert len({r.landed.request_id for r in results}) == 1
    assert harness.sim.credits_used == 3


def test_materializations_share_a_ledger_in_postgresql(harness):
    with scratch_database() as db:
        url = f"postgresql://{db.user}@{db.host}:{db.port}/{db.dbname}"
        try:
            harness.sim.update(latency_s=(30.0, 40.0))  # 0.3-0.4 s: outlasts the first run
            first = harness.run(["tw_janedoe"], collect=["followers"], ledger_url=url,
                                lookup_timeout_s=0.005)  # gives up: the request stays pending
            assert not first.success
            second = harness.run(["tw_janedoe"], collect=["followers"], ledger_url=url)
            assert second.success, harness.failures(second)
            entries = RequestLedger(url).find(target="tw_janedoe")
        finally:
            engine_for(url).dispose()
    assert [e.state for e in entries] == ["done"]
    assert len(submits(harness.sim)) == 1  # the second run resumed the first one's request
    assert not (harness.data / "ledger.sqlite").exists()
