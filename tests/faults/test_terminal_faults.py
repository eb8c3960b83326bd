"""Faults that end a lookup, or its materialization: a clear error, nothing paid for lost."""

import time

import pytest

from resources.lookups.ledger.ledger import DONE, EXPIRED, FAILED, LANDED


def test_a_failed_job_names_the_target_and_the_apis_reason_and_costs_nothing(harness):
    result = harness.run(["tw_janedoe", "tw_no_such_user_q"], collect=["followers"])
    assert not result.success
    failures = harness.failures(result)
    assert list(failures) == ["tw_no_such_user_q"]
    reason = failures["tw_no_such_user_q"]
    assert "LookupFailed" in reason and "Profile not found: @no_such_user_q" in reason
    assert "tw_no_such_user_q" in reason or "twitter/no_such_user_q" in reason
    assert harness.parquet_targets("followers") == {"janedoe"}
    [entry] = harness.ledger().find(target="tw_no_such_user_q")
    assert entry.state == FAILED and entry.credits == 0
    harness.assert_paid_once_and_kept()


@pytest.mark.parametrize("harness", [{"result_ttl_s": 20.0, "latency_s": (5.0, 8.0)}],
                         indirect=True)
def test_an_expired_request_is_submitted_again_once(harness):
    # First attempt: the run gives up waiting (the simulator holds the job, however slow the
    # machine), leaving the request in the ledger. The job then ends and, past the TTL, the
    # API forgets it.
    harness.sim.update(hold_jobs=True)
    first = harness.run(["tw_janedoe"], collect=["followers"], lookup_timeout_s=0.05)
    assert not first.success and "LookupTimedOut" in harness.failures(first)["tw_janedoe"]
    [pending] = harness.ledger().find(target="tw_janedoe")
    assert pending.state == "submitted" and pending.request_id
    harness.sim.update(hold_jobs=False)  # the job ends now ...
    deadline = time.monotonic() + 60
    while pending.request_id in harness.sim.jobs:  # ... and, past its TTL, is forgotten
        assert time.monotonic() < deadline, "the simulator never expired the job"
        time.sleep(0.02)
    second = harness.run(["tw_janedoe"], collect=["followers"])
    assert second.success, harness.failures(second)
    entries = harness.ledger().find(target="tw_janedoe")
    assert [e.state for e in entries] == [EXPIRED, DONE]
    assert harness.submits() == 2  # resubmitted once, never more
    assert entries[1].request_id in harness.landed_ids()
    assert harness.parquet_targets("followers") == {"janedoe"}
    # The one case that pays again: the provider dropped the result of the first request.
    assert [c.request_id for c in harness.sim.charges] == [e.request_id for e in entries]


@pytest.mark.parametrize("harness", [{"compound_shape": "untagged"}], indirect=True)
def test_an_unknown_compound_shape_is_kept_and_never_bought_again(harness):
    for attempt in (1, 2):
        result = harness.run(["tw_janedoe"])
        assert not result.success
        reason = harness.failures(result)["tw_janedoe"]
        assert "UnknownResultShape" in reason, reason
        assert harness.submits() == 1, f"attempt {attempt} submitted again"
    [entry] = harness.ledger().find(target="tw_janedoe")
    assert entry.state == LANDED and entry.request_id in harness.landed_ids()
    assert harness.parquet_targets("followers") == set()  # never a guess
    harness.assert_paid_once_and_kept()


def test_a_failed_parquet_write_loses_nothing_and_the_rerun_pays_nothing(harness):
    # A file where the partition's folder should be: the write fails with a real OSError.
    blocker = harness.data / "raw" / "followers" / "twitter" / "janedoe"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a folder")
    first = harness.run(["tw_janedoe", "tw_dagster_io"], collect=["followers"])
    assert not first.success
    assert list(harness.failures(first)) == ["tw_janedoe"]
    assert harness.parquet_targets("followers") == {"dagster_io"}
    blocker.unlink()
    second = harness.run(["tw_janedoe"], collect=["followers"])
    assert second.success, harness.failures(second)
    assert harness.submits() == 2  # one per target: the rerun used the landed result
    assert harness.parquet_targets("followers") == {"janedoe", "dagster_io"}
    harness.assert_paid_once_and_kept()


def test_a_credit_budget_refuses_the_lookup_that_would_pass_it(harness):
    keys = ["tw_janedoe", "tw_dagster_io", "tw_duckdb"]
    result = harness.run(keys, collect=["followers"], credit_budget_per_run=6,
                         max_concurrent_lookups=1)
    assert not result.success
    failures = harness.failures(result)
    assert len(failures) == 1
    [(key, reason)] = failures.items()
    assert "credit budget exceeded" in reason and "budget of 6" in reason
    assert "raise nyne.credit_budget_per_run, which set it" in reason
    assert harness.submits() == 2 and harness.sim.credits_used == 6
    # Each partition is recorded as it lands, with what the run had committed by then.
    mats = [e.materialization for e in result.get_asset_materialization_events()]
    committed = [m.metadata["nyne/run_credits"].value for m in mats]
    assert committed == sorted(committed) and committed[-1] == 6


def test_a_credit_budget_from_the_environment_is_named_when_it_refuses(harness, monkeypatch):
    monkeypatch.setenv("SOCIAL_CREDIT_BUDGET", "3")
    result = harness.run(["tw_janedoe", "tw_dagster_io"], collect=["followers"],
                         max_concurrent_lookups=1)
    [(key, reason)] = harness.failures(result).items()
    assert "budget of 3" in reason and "raise $SOCIAL_CREDIT_BUDGET, which set it" in reason
    assert harness.submits() == 1 and harness.sim.credits_used == 3


@pytest.mark.parametrize("raw", ["\u00b2", "six", "-3", "3.5"])
def test_a_credit_budget_in_the_environment_that_is_not_a_number_is_named(raw, monkeypatch):
    from resources.nyne_api import NyneApi

    monkeypatch.setenv("SOCIAL_CREDIT_BUDGET", raw)
    with pytest.raises(ValueError, match=r"\$SOCIAL_CREDIT_BUDGET must be a whole number of "
                                         r"credits, got "):
        NyneApi().credit_budget()
