"""Lookups against the simulator over real HTTP: statuses, result shapes, world truth, credits."""

import asyncio

import pytest

from resources.nyne import LookupFailed, LookupRequest, LookupTimedOut, RequestNotFound

JANE_POST = "1786123456789012345"  # janedoe's post with 48 replies (simulator/notables.py)


def usernames(interactions):
    return {i.username for i in interactions}


def truth(sim, side, platform, username):
    return {a.username for a in getattr(sim.world, side)(platform, username, sim.config.epoch)}


def lookup(make_client, req, **settings):
    async def go():
        async with make_client(**settings) as client:
            return await client.lookup(req)

    return asyncio.run(go())


def test_a_job_is_seen_queued_processing_and_pending_before_it_completes(sim, make_client):
    sim.update(pending_rate=1.0, latency_s=(40.0, 40.0))  # a 0.4 s job, pending from 50 % to 70 %

    async def go():
        async with make_client() as client:
            sub = await client.submit(LookupRequest("twitter", "followers", username="janedoe"))
            seen = [sub.status]
            while True:
                job = await client.poll(sub.request_id, expected_type="followers")
                seen.append(job.status)
                if job.completed:
                    return seen, job
                await asyncio.sleep(0.02)

    seen, job = asyncio.run(go())
    assert seen[0] == "queued"
    assert {"processing", "pending"} <= set(seen)
    assert seen[-1] == "completed" and job.result is not None and job.completed_on


def test_wait_polls_with_growing_intervals_up_to_the_cap(sim, make_client, api_log):
    sim.update(latency_s=(60.0, 60.0))  # 0.6 s job

    async def go():
        async with make_client(poll_interval_s=0.02, poll_backoff=2.0, poll_max_interval_s=0.16) as client:
            sub = await client.submit(LookupRequest("twitter", "following", username="janedoe"))
            return await client.wait(sub.request_id, expected_type="following")

    job = asyncio.run(go())
    assert job.completed
    polls = [r.at for r in api_log("GET")]
    gaps = [b - a for a, b in zip(polls, polls[1:])]
    assert 4 <= len(polls) <= 10  # 0.02, 0.04, 0.08, 0.16, 0.16, ... not one poll every 20 ms
    assert gaps[0] < gaps[2]
    # The simulator logs a request once answered; the completing poll also builds the result.
    assert max(gaps[:-1]) < 0.16 + 0.1


def test_a_followers_lookup_returns_exactly_the_world_followers(sim, make_client):
    out = lookup(make_client, LookupRequest("twitter", "followers", username="janedoe"))
    assert usernames(out.result.followers) == truth(sim, "followers", "twitter", "janedoe")
    assert out.result.following is None
    assert out.result.target_username == "janedoe" and out.result.platform == "twitter"
    assert not out.result.is_truncated(1000)


@pytest.mark.parametrize("compound_shape", ["tagged", "split"])
@pytest.mark.parametrize("results_key", ["interactions", "results"])
@pytest.mark.parametrize("platform, username", [("twitter", "janedoe"), ("instagram", "jane.doe")])
def test_a_compound_lookup_separates_followers_from_following_in_every_shape(
    sim, make_client, compound_shape, results_key, platform, username
):
    sim.update(compound_shape=compound_shape, results_key=results_key)
    out = lookup(make_client, LookupRequest(platform, "followers,following", username=username))
    res = out.result
    assert usernames(res.followers) == truth(sim, "followers", platform, username)
    assert usernames(res.following) == truth(sim, "following", platform, username)
    assert {i.relationship for i in res.followers} == {"follower"}
    assert {i.relationship for i in res.following} == {"following"}
    assert len(res.interactions) == len(res.followers) + len(res.following)
    assert out.credits == 3 and sim.credits_used == 3  # one request, charged once


def test_actor_entries_with_string_numbers_are_coerced_and_unknown_fields_kept(sim, make_client):
    sim.update(entry_shape="actor")
    out = lookup(make_client, LookupRequest("twitter", "followers", username="dagster_io"))
    world = sim.world
    assert out.result.followers
    for person in out.result.followers:
        account = world.account("twitter", person.username)
        followers, following = world.counts(account, sim.config.epoch)
        assert (person.followers_count, person.following_count) == (followers, following)
        assert person.verified is account.verified
        assert {"id", "location", "image_url", "tweets_count", "blue_verified", "relationship_type"} <= set(person.extra)
        assert person.extra["id"] == account.id
    assert out.result.raw["interactions"][0]["actor"]["followers_count"].isdigit()  # raw kept as sent


def test_flat_entries_keep_the_fields_the_contract_does_not_name(sim, make_client):
    out = lookup(make_client, LookupRequest("instagram", "following", username="natgeo"))
    person = out.result.following[0]
    assert {"joined_year", "pronouns"} <= set(person.extra)
    assert isinstance(person.followers_count, int) and isinstance(person.verified, bool)
    assert "has_more" in out.result.raw


def test_a_replies_lookup_returns_the_world_repliers_with_their_text(sim, make_client):
    assert JANE_POST in sim.world.posts("janedoe")
    out = lookup(make_client, LookupRequest("twitter", "replies", tweet_id=JANE_POST))
    expected = sim.world.replies(JANE_POST)
    assert [i.username for i in out.result.interactions] == [a.username for a, _, _ in expected]
    assert all(i.reply_text and i.reply_date for i in out.result.interactions)
    assert out.result.followers is None and out.result.following is None


def test_a_hub_with_more_followers_than_max_results_is_reported_truncated(sim, make_client):
    sim.update(total_count="available")
    out = lookup(make_client, LookupRequest("twitter", "followers", username="nasa", max_results=1000))
    assert len(out.result.followers) == 1000
    assert out.result.total_count == len(truth(sim, "followers", "twitter", "nasa")) > 1000
    assert out.result.is_truncated(1000)


@pytest.mark.parametrize("platform, username", [("twitter", "quiet_account"), ("instagram", "empty.account")])
def test_an_empty_result_costs_nothing(sim, make_client, platform, username):
    out = lookup(make_client, LookupRequest(platform, "followers,following", username=username))
    assert out.result.is_empty and out.result.followers == () and out.result.following == ()
    assert out.credits == 0 and sim.credits_used == 0 and sim.charges == []


def test_credits_reported_per_lookup_equal_what_the_simulator_charged(sim, make_client):
    reqs = [
        LookupRequest("twitter", "followers", username="janedoe"),
        LookupRequest("twitter", "followers,following", username="dagster_io"),
        LookupRequest("twitter", "following", username="quiet_account"),
        LookupRequest("instagram", "followers", username="natgeo", max_results=10),
        LookupRequest("twitter", "replies", tweet_id="1803000000000000042"),  # a post nobody answered
    ]

    async def go():
        async with make_client() as client:
            outcomes = await asyncio.gather(*(client.lookup(r) for r in reqs))
            return outcomes, await client.usage()

    outcomes, usage = asyncio.run(go())
    charged = {c.request_id: c.credits for c in sim.charges}
    assert {o.request_id: o.credits for o in outcomes if o.credits} == charged
    assert [o.credits for o in outcomes] == [3, 3, 0, 3, 0]
    assert sum(o.credits for o in outcomes) == sim.credits_used == usage.credits_used == 9
    assert usage.requests_count == 5


def test_on_submitted_receives_the_request_id_before_the_wait(sim, make_client, api_log):
    recorded = []

    async def go():
        async with make_client() as client:
            async def on_submitted(request_id):
                recorded.append((request_id, len(api_log("GET"))))

            req = LookupRequest("twitter", "followers", username="janedoe")
            return await client.lookup(req, on_submitted=on_submitted)

    out = asyncio.run(go())
    assert recorded == [(out.request_id, 0)]  # called before any poll


def test_an_unknown_account_ends_as_lookup_failed_with_the_providers_reason(sim, make_client):
    with pytest.raises(LookupFailed) as info:
        lookup(make_client, LookupRequest("twitter", "followers", username="no_such_user_42"))
    assert "Profile not found" in info.value.reason and info.value.request_id.startswith("interaction_")
    assert "no_such_user_42" in str(info.value)
    assert sim.credits_used == 0


def test_a_job_failing_upstream_raises_lookup_failed(sim, make_client):
    sim.update(fail_rate=1.0)
    with pytest.raises(LookupFailed) as info:
        lookup(make_client, LookupRequest("twitter", "followers", username="janedoe"))
    assert info.value.reason and info.value.request_id in str(info.value)


def test_polling_an_unknown_request_id_raises_request_not_found(sim, make_client, api_log):
    async def go():
        async with make_client() as client:
            await client.poll("interaction_0000000000000000_0_0000")

    with pytest.raises(RequestNotFound) as info:
        asyncio.run(go())
    assert info.value.request_id == "interaction_0000000000000000_0_0000" and info.value.status == 404
    assert len(api_log()) == 1  # a 404 is never retried


def test_a_job_slower_than_the_deadline_raises_lookup_timed_out(sim, make_client):
    sim.update(latency_s=(1000.0, 1000.0))  # a 10 s job
    with pytest.raises(LookupTimedOut) as info:
        lookup(make_client, LookupRequest("twitter", "followers", username="janedoe"), lookup_timeout_s=0.3)
    assert 0.3 <= info.value.waited_s < 2.0 and info.value.last_status in ("queued", "processing")
