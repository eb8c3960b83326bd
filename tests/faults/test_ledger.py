"""The request ledger's own rules, on a real SQLite file: claims, take-overs, budgets, TTL."""

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from resources.lookups.ledger import CreditBudgetExceeded, RequestLedger, engine_for
from resources.settings import Settings
from resources.lookups.ledger.ledger import ABANDONED, lookups

PARAMS = {"platform": "twitter", "interaction_type": "followers", "username": "janedoe",
          "tweet_id": None, "max_results": 1000}


@pytest.fixture
def ledger(tmp_path) -> RequestLedger:
    return RequestLedger(Settings.resolve(data_dir=tmp_path).ledger_url)


def _acquire(ledger, run="run-1", budget=None, params=PARAMS):
    return ledger.acquire(target="tw_janedoe", params=params, run_id=run, budget=budget)


def test_a_live_claim_makes_the_next_caller_wait_then_resume_the_request(ledger):
    first = _acquire(ledger)
    assert first.action == "submit"
    assert _acquire(ledger, run="run-2").action == "wait"
    ledger.submitted(first.entry.id, "req-1")
    resumed = _acquire(ledger, run="run-2")
    assert (resumed.action, resumed.entry.request_id) == ("resume", "req-1")
    ledger.landed(first.entry.id, credits=3)
    assert _acquire(ledger, run="run-3").action == "reuse"
    ledger.done(first.entry.id)
    assert _acquire(ledger, run="run-4").action == "submit"  # done: the next lookup is new


def test_a_claim_whose_process_died_is_taken_over(ledger):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    claim = _acquire(ledger)
    with engine_for(ledger.url).begin() as conn:
        owner = claim.entry.owner.rpartition(":")[0] + ":" + dead
        conn.execute(lookups.update().values(owner=owner))
    again = _acquire(ledger, run="run-2")
    assert again.action == "submit" and again.entry.id != claim.entry.id
    assert ledger.get(claim.entry.id).state == ABANDONED
    assert "stopped before recording a request id" in ledger.get(claim.entry.id).error


def test_a_request_older_than_its_time_to_live_is_not_resumed(tmp_path):
    ledger = RequestLedger(Settings.resolve(data_dir=tmp_path).ledger_url, ttl_s=60)
    claim = _acquire(ledger)
    ledger.submitted(claim.entry.id, "req-old")
    with engine_for(ledger.url).begin() as conn:
        old = claim.entry.claimed_at - timedelta(hours=2)
        conn.execute(lookups.update().values(claimed_at=old, submitted_at=old))
    assert _acquire(ledger, run="run-2").action == "submit"
    assert "time to live" in ledger.get(claim.entry.id).error


def test_the_budget_counts_reservations_and_real_charges(ledger):
    params = [dict(PARAMS, username=f"user{i}") for i in range(4)]
    a = _acquire(ledger, budget=7, params=params[0])
    b = _acquire(ledger, budget=7, params=params[1])
    with pytest.raises(CreditBudgetExceeded, match="spent or reserved 6 of its budget of 7"):
        _acquire(ledger, budget=7, params=params[2])
    ledger.submitted(a.entry.id, "req-a")
    ledger.landed(a.entry.id, credits=0)  # an empty result costs nothing: 3 credits come back
    ledger.failed(b.entry.id, "Profile not found")  # so does a failed job
    assert ledger.run_credits("run-1") == 0
    assert _acquire(ledger, budget=7, params=params[2]).action == "submit"
    assert ledger.run_credits("run-1") == 3
    assert ledger.run_credits("run-2") == 0


def test_one_active_row_per_lookup_is_enforced_by_the_database(ledger):
    _acquire(ledger)
    with pytest.raises(sa.exc.IntegrityError):
        with engine_for(ledger.url).begin() as conn:
            row = conn.execute(sa.select(lookups)).one()._mapping
            conn.execute(lookups.insert().values(
                **{k: v for k, v in row.items() if k not in ("id", "request_id")}))


def test_a_done_result_satisfies_a_run_that_wanted_it_before_it_landed(ledger):
    before = datetime.now(timezone.utc)
    first = _acquire(ledger)
    ledger.submitted(first.entry.id, "req-1")
    ledger.landed(first.entry.id, credits=3)
    ledger.done(first.entry.id)
    after = datetime.now(timezone.utc)

    def acquire(run, since):
        return ledger.acquire(target="tw_janedoe", params=PARAMS, run_id=run, reuse_since=since)

    # A run wanted since before the result landed takes it; one wanted since after, or with
    # no reuse_since at all, buys its own.
    taken = acquire("run-2", before)
    assert (taken.action, taken.entry.id, taken.entry.request_id) == ("reuse", first.entry.id,
                                                                        "req-1")
    assert acquire("run-3", after).action == "submit"
    assert acquire("run-4", before).action == "wait"  # run-3's claim is active now
    assert ledger.run_credits("run-2") == 0  # taking a result costs the run nothing
