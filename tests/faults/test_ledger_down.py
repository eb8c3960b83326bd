"""A request id is never lost when the ledger cannot be written right after the submit (issue 9,
promise 2): the write is retried with back-off, and the id is in the fsynced journal, which
the next run reconciles into the ledger before it claims anything, then resumes."""

import asyncio
import sqlite3

import sqlalchemy as sa

from resources.lookups.ledger import RequestLedger
from resources.settings import Settings
from resources.nyne import LookupRequest
from resources.lookups.fetch import DurableLookups
from resources.lookups.journal import JOURNAL_FILE, RequestJournal
from tests.dagster.conftest import nyne_for, submits

REQUEST = LookupRequest(platform="twitter", interaction_type="followers", username="janedoe",
                        max_results=1000)


class DownLedger(RequestLedger):
    """The ledger, with its database refusing the request-id write ``times`` times."""

    def __init__(self, url: str, times: int):
        super().__init__(url)
        self.times, self.refused = times, 0

    def submitted(self, entry_id: int, request_id: str) -> None:
        if self.refused < self.times:
            self.refused += 1
            raise sa.exc.OperationalError("UPDATE nyne_lookups", {},
                                          sqlite3.OperationalError("database is locked"))
        super().submitted(entry_id, request_id)


def _fetch(sim, ledger, journal, run_id, **settings):
    async def go():
        async with nyne_for(sim).client(ledger_url=ledger.url) as client:
            durable = DurableLookups(client, ledger, journal.path.parent / "landing", run_id,
                                     journal=journal, **settings)
            fetched = await durable.fetch("tw_janedoe", REQUEST)
            durable.done(fetched)
            return fetched

    return asyncio.run(go())


def test_a_ledger_that_refuses_the_write_for_a_while_is_retried(harness):
    url = Settings.resolve(data_dir=harness.data).ledger_url
    journal = RequestJournal(harness.data / JOURNAL_FILE)
    ledger = DownLedger(url, times=3)
    fetched = _fetch(harness.sim, ledger, journal, "run-1", ledger_write_deadline_s=60.0)
    assert ledger.refused == 3 and not fetched.resumed
    assert len(submits(harness.sim)) == 1 and harness.sim.credits_used == 3
    [entry] = RequestLedger(url).find(target="tw_janedoe")
    assert (entry.state, entry.request_id) == ("done", fetched.landed.request_id)


def test_a_ledger_down_for_the_whole_run_loses_no_request_id(harness):
    url = Settings.resolve(data_dir=harness.data).ledger_url
    journal = RequestJournal(harness.data / JOURNAL_FILE)
    try:
        _fetch(harness.sim, DownLedger(url, times=10**6), journal, "run-1",
               ledger_write_deadline_s=0.5)
        raise AssertionError("the first run cannot have recorded its request")
    except sa.exc.OperationalError:
        pass
    [bought] = submits(harness.sim)
    [claim] = RequestLedger(url).find(target="tw_janedoe")
    assert (claim.state, claim.request_id) == ("claimed", None)  # what the ledger knows

    # The next run (its process alive, the first run's claim not timed out) reconciles the
    # journal first, then resumes the request: nothing is bought again.
    fetched = _fetch(harness.sim, RequestLedger(url), journal, "run-2")
    assert fetched.resumed and fetched.landed.request_id == bought.request_id
    assert len(submits(harness.sim)) == 1 and harness.sim.credits_used == 3
    [entry] = RequestLedger(url).find(target="tw_janedoe")
    assert (entry.id, entry.state, entry.request_id) == (claim.id, "done", bought.request_id)
    # Reconciling again changes nothing.
    assert journal.reconcile(RequestLedger(url)) == []
