"""Concurrent runs that want the same lookup: one submit, both get the result.

Each "run" is a thread with its own event loop, API client and ledger connection (as two run
workers have), sharing the ledger's database: SQLite in the data folder, or PostgreSQL.
"""

import asyncio
import contextlib
import threading

import pytest

from resources.lookups.ledger import RequestLedger, engine_for
from resources.settings import Settings
from resources.nyne import LookupRequest
from resources.lookups.fetch import DurableLookups
from tests.dagster.conftest import nyne_for, submits
from tests.postgres import scratch_database

REQUEST = LookupRequest(platform="twitter", interaction_type="followers", username="janedoe",
                        max_results=1000)


def _one_run(sim, ledger: RequestLedger, landing, run_id: str, before, **knobs):
    """One run's fetch of REQUEST in its own event loop; ``before()`` runs just before it."""
    async def go():
        async with nyne_for(sim).client(ledger_url=ledger.url) as client:
            durable = DurableLookups(client, ledger, landing, run_id=run_id, **knobs)
            before()
            fetched = await durable.fetch("tw_janedoe", REQUEST)
            durable.done(fetched)
            return fetched
    return asyncio.run(go())


def _race(sim, url: str, landing, runs: int = 4) -> list:
    results, errors = [None] * runs, []
    start = threading.Barrier(runs)

    def one(i: int) -> None:
        try:
            results[i] = _one_run(sim, RequestLedger(url), landing, f"run-{i}", start.wait)
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


class _Gates:
    """The moments of the interleaving, in order: the buyer has claimed; the waiter was told
    to wait; the waiter has looked again (and is held); the buyer has marked the row done."""

    def __init__(self) -> None:
        self.claimed, self.told, self.looked, self.finished = (threading.Event() for _ in range(4))

    def open_all(self) -> None:  # a run failed: never leave the other one held
        for event in (self.claimed, self.told, self.looked, self.finished):
            event.set()


def _passed(event: threading.Event, what: str) -> None:
    assert event.wait(30), f"the interleaving stalled: {what}"


class _Buyer(RequestLedger):
    """The buying run's ledger: it records its request id only once the waiter was told to
    wait (so the waiter sees a claim), and marks the result landed only once the waiter has
    looked again."""

    def __init__(self, url: str, gates: _Gates):
        super().__init__(url)
        self.gates = gates

    def acquire(self, **kwargs):
        got = super().acquire(**kwargs)
        self.gates.claimed.set()
        return got

    def submitted(self, entry_id: int, request_id: str) -> None:
        _passed(self.gates.told, "the waiting run was never told to wait")
        super().submitted(entry_id, request_id)

    def landed(self, entry_id: int, credits: int) -> None:
        _passed(self.gates.looked, "the waiting run never looked again")
        super().landed(entry_id, credits)

    def done(self, entry_id: int) -> None:
        super().done(entry_id)
        self.gates.finished.set()


class _Waiter(RequestLedger):
    """The waiting run's ledger: its first read after it was told to wait sees the lookup
    still being bought; the run is then held there until the buyer has marked it done."""

    def __init__(self, url: str, gates: _Gates):
        super().__init__(url)
        self.gates = gates

    def _hold(self, result):
        if self.gates.told.is_set() and not self.gates.looked.is_set():
            self.gates.looked.set()
            _passed(self.gates.finished, "the buying run never finished")
        return result

    def acquire(self, **kwargs):
        got = self._hold(super().acquire(**kwargs))
        if got.action == "wait":
            self.gates.told.set()
        return got

    def get(self, entry_id: int):
        return self._hold(super().get(entry_id))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_run_that_waited_takes_the_result_the_buyer_marked_done_meanwhile(harness, tmp_path,
                                                                            backend):
    """The interleaving that bought a lookup twice on a loaded machine: the waiting run looks,
    sees the lookup still being bought; before its next look the buyer lands it and marks it
    done (no longer active). The waiter must take that result, not claim and buy again."""
    gates, results, errors = _Gates(), {}, []
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            url = Settings.resolve(data_dir=tmp_path / "data").ledger_url
        else:
            db = stack.enter_context(scratch_database())
            url = f"postgresql://{db.user}@{db.host}:{db.port}/{db.dbname}"
            stack.callback(lambda: engine_for(url).dispose())  # the database is dropped next

        def run(name: str, ledger: RequestLedger, before) -> None:
            try:
                results[name] = _one_run(harness.sim, ledger, tmp_path / "landing", name, before,
                                         claim_wait_s=0.01)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                gates.open_all()

        after_claim = lambda: _passed(gates.claimed, "the buyer never claimed")  # noqa: E731
        threads = [threading.Thread(target=run, args=("buyer", _Buyer(url, gates), lambda: None)),
                   threading.Thread(target=run, args=("waiter", _Waiter(url, gates), after_claim))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert errors == []
    assert len(submits(harness.sim)) == 1
    assert results["waiter"].resumed and not results["buyer"].resumed
    assert results["waiter"].landed.request_id == results["buyer"].landed.request_id
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
