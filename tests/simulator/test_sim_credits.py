"""Credits: 3 per non-empty result, 0 for empty or failed, once per compound lookup; polls
free; /usage reports it; a spent balance refuses submits."""

from __future__ import annotations


def test_a_non_empty_result_costs_three_credits_recorded_as_a_charge(api, sim):
    data = api.lookup(username="janedoe", type="followers")
    assert sim.credits_used == 3
    [charge] = sim.charges
    assert charge.request_id == data["request_id"] and charge.credits == 3
    assert (charge.platform, charge.interaction_type, charge.target) == (
        "twitter", "followers", "janedoe")


def test_empty_results_cost_nothing(api, sim):
    assert api.lookup(username="quiet_account", type="followers")["result"]["interactions"] == []
    assert api.lookup(username="quiet_account", type="following")["result"]["total_count"] == 0
    assert api.lookup(social_media_url="https://www.instagram.com/empty.account/",
                      type="followers,following")["result"]["total_count"] == 0
    assert api.lookup(tweet_id="1803000000000000042", type="replies")["status"] == "completed"
    assert sim.credits_used == 0 and sim.charges == []


def test_a_followers_following_lookup_is_charged_once(api, sim):
    result = api.lookup(username="janedoe", type="followers,following")["result"]
    assert {e["relationship_type"] for e in result["interactions"]} == {"follower", "following"}
    assert sim.credits_used == 3 and len(sim.charges) == 1


def test_failed_jobs_cost_nothing(api, sim):
    api.lookup(username="no_such_user_1", type="followers")
    assert sim.credits_used == 0


def test_polls_are_free(api, sim):
    request_id = api.submit(username="janedoe", type="followers").json()["data"]["request_id"]
    api.wait(request_id)
    for _ in range(20):
        assert api.poll(request_id).status_code == 200
    assert sim.credits_used == 3


def test_usage_reports_credits_requests_and_the_balance(api, sim):
    api.lookup(username="janedoe", type="followers")
    api.lookup(username="quiet_account", type="followers")
    response = api.client.get("/usage")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["credits_used"] == 3 and data["requests_count"] == 2
    assert data["limits"] == {"monthly_allocation": 100_000, "available_credits": 99_997,
                              "is_unlimited": False}
    past = api.client.get("/usage", params={"month": 1, "year": 2001}).json()["data"]
    assert past["credits_used"] == 0 and past["requests_count"] == 0
    assert api.client.get("/usage", params={"month": 13}).status_code == 400


def test_a_spent_balance_refuses_submits_with_402_insufficient_credits(make_sim, api_for):
    api = api_for(make_sim(initial_credits=3))
    api.lookup(username="janedoe", type="followers")
    response = api.submit(username="nasa", type="followers")
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_credits"
    assert api.client.get("/usage").json()["data"]["limits"]["available_credits"] == 0
