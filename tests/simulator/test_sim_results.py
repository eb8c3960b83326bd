"""Result shapes: flat and actor entries, tagged and split compounds, the `results` variant,
truncation, counts consistent with the world, and replies."""

from __future__ import annotations

import re

import pytest

FLAT_FIELDS = {"username", "display_name", "profile_url", "bio", "followers_count",
               "following_count", "verified"}
ACTOR_FIELDS = FLAT_FIELDS | {"id", "location", "image_url", "website", "tweets_count",
                              "created_at", "blue_verified", "protected"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def test_flat_entries_carry_the_contract_fields_and_extra_ones(api, sim):
    result = api.lookup(username="janedoe", type="followers")["result"]
    entry = result["interactions"][0]
    assert FLAT_FIELDS <= entry.keys()
    assert {"joined_year", "pronouns"} <= entry.keys()  # fields the contract does not name
    assert "relationship_type" not in entry
    assert isinstance(entry["followers_count"], int) and isinstance(entry["verified"], bool)
    assert entry["profile_url"] == f"https://x.com/{entry['username']}"


def test_extra_fields_can_be_switched_off(api, sim):
    sim.update(extra_fields=False)
    result = api.lookup(username="janedoe", type="followers")["result"]
    assert set(result["interactions"][0]) == FLAT_FIELDS
    assert "has_more" not in result


def test_actor_entries_nest_the_profile_and_send_numbers_and_booleans_as_strings(api, sim):
    sim.update(entry_shape="actor")
    result = api.lookup(username="nasa", type="followers", max_results=200)["result"]
    styles = set()
    for entry in result["interactions"]:
        assert entry["relationship_type"] == "follower"
        actor = entry["actor"]
        assert ACTOR_FIELDS <= actor.keys()
        assert actor["followers_count"].isdigit() and actor["tweets_count"].isdigit()
        assert actor["verified"] in ("0", "1", "true", "false")
        styles.add(actor["verified"] in ("0", "1"))
    assert styles == {True, False}  # both spellings of booleans occur


def test_a_compound_lookup_tags_each_entry_with_its_relationship(api, sim):
    result = api.lookup(username="janedoe", type="followers,following")["result"]
    kinds = [e["relationship_type"] for e in result["interactions"]]
    world = sim.world
    followers = {a.username for a in world.followers("twitter", "janedoe")}
    following = {a.username for a in world.following("twitter", "janedoe")}
    assert set(kinds) == {"follower", "following"}
    for entry in result["interactions"]:
        side = followers if entry["relationship_type"] == "follower" else following
        assert entry["username"] in side
    assert result["total_count"] == len(result["interactions"])


def test_a_split_compound_lookup_returns_two_lists(api, sim):
    sim.update(compound_shape="split")
    result = api.lookup(social_media_url="https://www.instagram.com/jane.doe/",
                        type="followers,following")["result"]
    assert "interactions" not in result
    world = sim.world
    assert [e["username"] for e in result["followers"]] == [
        a.username for a in world.followers("instagram", "jane.doe")][:100]
    assert [e["username"] for e in result["following"]] == [
        a.username for a in world.following("instagram", "jane.doe")][:100]
    assert result["total_count"] == len(result["followers"]) + len(result["following"])


def test_max_results_caps_each_list_of_a_compound_lookup(api):
    result = api.lookup(username="nasa", type="followers,following", max_results=10)["result"]
    kinds = [e["relationship_type"] for e in result["interactions"]]
    assert kinds.count("follower") == 10 and 0 < kinds.count("following") <= 10


def test_the_results_variant_puts_rows_under_data_results(api, sim):
    sim.update(results_key="results")
    data = api.lookup(username="janedoe", type="followers,following")
    assert "interactions" not in data["result"]
    assert data["result"]["target"]["username"] == "janedoe"
    assert {row["relationship_type"] for row in data["results"]} == {"follower", "following"}


def test_a_hub_with_more_followers_than_max_results_is_cut_most_recent_first(api, sim):
    everyone = sim.world.followers("twitter", "nasa")
    assert len(everyone) > 1000
    result = api.lookup(username="nasa", type="followers", max_results=1000)["result"]
    assert [e["username"] for e in result["interactions"]] == [
        a.username for a in everyone[:1000]]
    assert result["total_count"] == 1000 and result["has_more"] is True


def test_total_count_can_report_what_the_target_really_has(api, sim):
    sim.update(total_count="available")
    result = api.lookup(username="nasa", type="followers", max_results=10)["result"]
    assert len(result["interactions"]) == 10
    assert result["total_count"] == len(sim.world.followers("twitter", "nasa"))


def test_entry_counts_agree_with_the_world_at_the_jobs_epoch(api, sim):
    sim.set_epoch(2)
    result = api.lookup(username="janedoe", type="following")["result"]
    world = sim.world
    for entry in result["interactions"][:20]:
        account = world.account("twitter", entry["username"])
        assert (entry["followers_count"], entry["following_count"]) == world.counts(account, 2)


def test_replies_carry_text_and_date_of_each_replier(api, sim):
    result = api.lookup(social_media_url="https://x.com/janedoe/status/1786123456789012345",
                        type="replies")["result"]
    assert result["interaction_type"] == "replies"
    assert result["target"]["username"] == "janedoe"
    assert result["target"]["tweet_id"] == "1786123456789012345"
    rows = result["interactions"]
    assert len(rows) == 48 == result["total_count"]
    assert all(FLAT_FIELDS <= row.keys() and row["reply_text"] and ISO.match(row["reply_date"])
               for row in rows)
    dates = [row["reply_date"] for row in rows]
    assert dates == sorted(dates, reverse=True)  # most recent first


def test_a_reply_lookup_truncates_a_busy_post_to_max_results(api):
    result = api.lookup(tweet_id="1790000000000001969", type="replies", max_results=1000)["result"]
    assert len(result["interactions"]) == 1000 and result["has_more"] is True


@pytest.mark.parametrize("entry_shape", ["flat", "actor"])
def test_actor_and_flat_replies_keep_reply_text_beside_the_profile(api, sim, entry_shape):
    sim.update(entry_shape=entry_shape)
    rows = api.lookup(tweet_id="1798765432109876543", type="replies")["result"]["interactions"]
    assert len(rows) == 7 and all("reply_text" in row and "reply_date" in row for row in rows)


def test_a_post_with_no_replies_returns_an_empty_result(api):
    result = api.lookup(tweet_id="1803000000000000042", type="replies")["result"]
    assert result["interactions"] == [] and result["total_count"] == 0
