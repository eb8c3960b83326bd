"""Lookups against the simulator over real HTTP: statuses, result shapes, world truth, credits.

Every lookup runs the way production runs it: ``run_lookups`` (tests/client/conftest.py) goes
through ``resources.lookups.LookupService`` (ledger, landing archive, the one wait loop).
"""

import asyncio
import time

import pytest

from resources.lookups.landing import landing_path
from resources.nyne import LookupFailed, LookupRequest, LookupTimedOut, RequestNotFound

JANE_POST = "1786123456789012345"  # janedoe's post with 48 replies (simulator/notables.py)


def usernames(interactions):
    return {i.username for i in interactions}


def truth(sim, side, platform, username):
    return {a.username for a in getattr(sim.world, side)(platform, username, sim.config.epoch)}


def lookup(run_lookups, req, **settings):
    [out] = run_lookups([req], **settings)
    return out


def test_a_job_is_seen_queued_processing_and_pending_before_it_completes(sim, make_client):
    """The client reads every status the API gives. The job's schedule (the simulator's job
    store) is moved between polls, so each poll lands in a known phase however slow the
    machine: queued, processing, pending, processing again, then completed once its end is
    due and the hold lifted."""
    never = float("inf")
    sim.update(pending_rate=1.0, hold_jobs=True)

    async def go():
        async with make_client() as client:
            sub = await client.submit(LookupRequest("twitter", "followers", username="janedoe"))
            job = sim.jobs[sub.request_id]
            phases = [
                ("queued", dict(queued_until=never)),
                ("processing", dict(queued_until=0.0, pending=(never, never))),
                ("pending", dict(pending=(0.0, never))),
                ("processing", dict(pending=(0.0, 0.0))),
            ]
            seen = [sub.status]
            for expected, schedule in phases:
                for name, value in schedule.items():
                    setattr(job, name, value)
                polled = await client.poll(sub.request_id, expected_type="followers")
                assert (polled.status, polled.completed) == (expected, False)
                seen.append(polled.status)
            job.ends_at = time.time()
            sim.update(hold_jobs=False)
            polled = await client.poll(sub.request_id, expected_type="followers")
            seen.append(polled.status)
            return seen, polled

    seen, job = asyncio.run(go())
    assert seen == ["queued", "queued", "processing", "pending", "processing", "completed"]
    assert job.result is not None and job.completed_on


def test_the_wait_polls_with_growing_intervals_up_to_the_cap(sim, run_lookups, api_log):
    sim.update(latency_s=(60.0, 60.0))  # 0.6 s job
    out = lookup(run_lookups, LookupRequest("twitter", "following", username="janedoe"),
                 poll_interval_s=0.02, poll_backoff=2.0, poll_max_interval_s=0.16)
    assert out.result.following and out.via == "poll"
    polls = [r.at for r in api_log("GET")]
    gaps = [b - a for a, b in zip(polls, polls[1:])]
    assert 4 <= len(polls) <= 10  # 0.02, 0.04, 0.08, 0.16, 0.16, ... not one poll every 20 ms
    assert gaps[0] < gaps[2]
    # The simulator logs a request once answered; the completing poll also builds the result.
    assert max(gaps[:-1]) < 0.16 + 0.1


def test_a_followers_lookup_returns_exactly_the_world_followers(sim, run_lookups):
    out = lookup(run_lookups, LookupRequest("twitter", "followers", username="janedoe"))
    assert usernames(out.result.followers) == truth(sim, "followers", "twitter", "janedoe")
    assert out.result.following is None
    assert out.result.target_username == "janedoe" and out.result.platform == "twitter"
    assert not out.result.is_truncated(1000)


@pytest.mark.parametrize("compound_shape", ["tagged", "split"])
@pytest.mark.parametrize("results_key", ["interactions", "results"])
@pytest.mark.parametrize("platform, username", [("twitter", "janedoe"), ("instagram", "jane.doe")])
def test_a_compound_lookup_separates_followers_from_following_in_every_shape(
    sim, run_lookups, compound_shape, results_key, platform, username
):
    sim.update(compound_shape=compound_shape, results_key=results_key)
    out = lookup(run_lookups, LookupRequest(platform, "followers,following", username=username))
    res = out.result
    assert usernames(res.followers) == truth(sim, "followers", platform, username)
    assert usernames(res.following) == truth(sim, "following", platform, username)
    assert {i.relationship for i in res.followers} == {"follower"}
    assert {i.relationship for i in res.following} == {"following"}
    assert len(res.interactions) == len(res.followers) + len(res.following)
    assert out.credits == 3 and sim.credits_used == 3  # one request, charged once


def test_actor_entries_with_string_numbers_are_coerced_and_unknown_fields_kept(sim, run_lookups):
    sim.update(entry_shape="actor")
    out = lookup(run_lookups, LookupRequest("twitter", "followers", username="dagster_io"))
    world = sim.world
    assert out.result.followers
    for person in out.result.followers:
        account = world.account("twitter", person.username)
        followers, following = world.counts(account, sim.config.epoch)
        assert (person.followers_count, person.following_count) == (followers, following)
        assert person.verified is account.verified
        assert {"location", "image_url", "tweets_count", "blue_verified", "relationship_type"} <= set(person.extra)
        assert person.account_id == account.id and "id" not in person.extra
    assert out.result.raw["interactions"][0]["actor"]["followers_count"].isdigit()  # raw kept as sent


def test_flat_entries_keep_the_fields_the_contract_does_not_name(sim, run_lookups):
    out = lookup(run_lookups, LookupRequest("instagram", "following", username="natgeo"))
    person = out.result.following[0]
    assert {"joined_year", "pronouns"} <= set(person.extra)
    assert isinstance(person.followers_count, int) and isinstance(person.verified, bool)
    assert "has_more" in out.result.raw


def test_a_replies_lookup_returns_the_world_repliers_with_their_text(sim, run_lookups):
    assert JANE_POST in sim.world.posts("janedoe")
    out = lookup(run_lookups, LookupRequest("twitter", "replies", tweet_id=JANE_POST))
    expected = sim.world.replies(JANE_POST)
    assert [i.username for i in out.result.interactions] == [a.username for a, _, _ in expected]
    assert all(i.reply_text and i.reply_date for i in out.result.interactions)
    assert out.result.followers is None and out.result.following is None


def test_a_hub_with_more_followers_than_max_results_is_reported_truncated(sim, run_lookups):
    sim.update(total_count="available")
    out = lookup(run_lookups, LookupRequest("twitter", "followers", username="nasa", max_results=1000))
    assert len(out.result.followers) == 1000
    assert out.result.total_count == len(truth(sim, "followers", "twitter", "nasa")) > 1000
    assert out.result.is_truncated(1000)


@pytest.mark.parametrize("platform, username", [("twitter", "quiet_account"), ("instagram", "empty.account")])
def test_an_empty_result_costs_nothing(sim, run_lookups, platform, username):
    out = lookup(run_lookups, LookupRequest(platform, "followers,following", username=username))
    assert out.result.is_empty and out.result.followers == () and out.result.following == ()
    assert out.credits == 0 and sim.credits_used == 0 and sim.charges == []


def test_credits_reported_per_lookup_equal_what_the_simulator_charged(sim, run_lookups, make_client):
    reqs = [
        LookupRequest("twitter", "followers", username="janedoe"),
        LookupRequest("twitter", "followers,following", username="dagster_io"),
        LookupRequest("twitter", "following", username="quiet_account"),
        LookupRequest("instagram", "followers", username="natgeo", max_results=10),
        LookupRequest("twitter", "replies", tweet_id="1803000000000000042"),  # a post nobody answered
    ]
    outcomes = run_lookups(reqs)

    async def usage():
        async with make_client() as client:
            return await client.usage()

    usage = asyncio.run(usage())
    charged = {c.request_id: c.credits for c in sim.charges}
    assert {o.request_id: o.credits for o in outcomes if o.credits} == charged
    assert [o.credits for o in outcomes] == [3, 3, 0, 3, 0]
    assert sum(o.credits for o in outcomes) == sim.credits_used == usage.credits_used == 9
    assert usage.requests_count == 5
    assert run_lookups.ledger.run_credits(run_lookups.run_ids[-1]) == 9  # the ledger agrees


def test_identical_lookups_in_one_run_are_submitted_once(sim, run_lookups, api_log):
    req = LookupRequest("twitter", "followers", username="janedoe")
    first, second = run_lookups([req, req])
    assert len(api_log("POST")) == 1 and sim.credits_used == 3
    assert first.request_id == second.request_id and first.result == second.result
    assert sorted([first.resumed, second.resumed]) == [False, True]  # one bought, one reused


def test_the_request_id_is_in_the_ledger_and_journal_before_the_first_poll(sim, run_lookups, make_client):
    client, seen = make_client(), []
    poll_raw = client.poll_raw

    async def recording_poll_raw(request_id):
        if not seen:  # what the ledger and the journal know when the first poll leaves
            rows = run_lookups.ledger.find(request_id=request_id)
            journal = run_lookups.journal.path.read_text() if run_lookups.journal.path.exists() else ""
            seen.append(([(r.state, r.request_id) for r in rows], request_id in journal))
        return await poll_raw(request_id)

    client.poll_raw = recording_poll_raw
    [out] = run_lookups([LookupRequest("twitter", "followers", username="janedoe")], client=client)
    assert seen == [([("submitted", out.request_id)], True)]
    [row] = run_lookups.ledger.find(request_id=out.request_id)
    assert (row.state, row.credits) == ("done", 3)


def test_an_unknown_account_ends_as_lookup_failed_with_the_providers_reason(sim, run_lookups):
    with pytest.raises(LookupFailed) as info:
        lookup(run_lookups, LookupRequest("twitter", "followers", username="no_such_user_42"))
    assert "Profile not found" in info.value.reason and info.value.request_id.startswith("interaction_")
    assert "no_such_user_42" in str(info.value)
    assert sim.credits_used == 0
    [row] = run_lookups.ledger.find(request_id=info.value.request_id)
    assert (row.state, row.credits) == ("failed", 0)  # nothing reserved for a failed job
    assert not landing_path(run_lookups.landing, info.value.request_id).exists()


def test_a_job_failing_upstream_raises_lookup_failed(sim, run_lookups):
    sim.update(fail_rate=1.0)
    with pytest.raises(LookupFailed) as info:
        lookup(run_lookups, LookupRequest("twitter", "followers", username="janedoe"))
    assert info.value.reason and info.value.request_id in str(info.value)


def test_polling_an_unknown_request_id_raises_request_not_found(sim, make_client, api_log):
    async def go():
        async with make_client() as client:
            await client.poll("interaction_0000000000000000_0_0000")

    with pytest.raises(RequestNotFound) as info:
        asyncio.run(go())
    assert info.value.request_id == "interaction_0000000000000000_0_0000" and info.value.status == 404
    assert len(api_log()) == 1  # a 404 is never retried


def test_a_job_slower_than_the_deadline_raises_lookup_timed_out(sim, run_lookups):
    sim.update(latency_s=(10000.0, 10000.0))  # a 100 s job
    with pytest.raises(LookupTimedOut) as info:
        lookup(run_lookups, LookupRequest("twitter", "followers", username="janedoe"), lookup_timeout_s=0.3)
    # Gave up at its deadline, not at the job's end (the bound has room for a loaded machine).
    assert 0.3 <= info.value.waited_s < 30.0 and info.value.last_status in ("queued", "processing")
