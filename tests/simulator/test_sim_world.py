"""The synthetic world: notable accounts, symmetry of follows at every epoch, churn between
epochs, determinism across instances and processes, posts and replies."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from simulator.names import USERNAME_RULES
from simulator.world import PlatformWorld, World

SAMPLE = {"twitter": ["nasa", "janedoe", "dagster_io", "duckdb", "jack", "quiet_account"],
          "instagram": ["natgeo", "jane.doe", "nasa", "empty.account"]}


@pytest.fixture(scope="module")
def world() -> World:
    return World()


@pytest.mark.parametrize("epoch", [0, 3])
@pytest.mark.parametrize("platform", ["twitter", "instagram"])
def test_b_follows_a_exactly_when_a_is_among_bs_following(world, platform, epoch):
    ordinary = [a.username for a in world.accounts(platform)[::97]]
    for name in SAMPLE[platform] + ordinary:
        for fan in world.followers(platform, name, epoch):
            assert name in {a.username for a in world.following(platform, fan.username, epoch)}
        for idol in world.following(platform, name, epoch):
            assert name in {a.username for a in world.followers(platform, idol.username, epoch)}
    edges = world.edges(platform, epoch)
    derived = {(a.username, b.username) for b in world.accounts(platform)
               for a in world.followers(platform, b.username, epoch)}
    assert derived == edges == {(a.username, b.username) for a in world.accounts(platform)
                                for b in world.following(platform, a.username, epoch)}


def test_notable_accounts_exist_with_the_promised_audiences(world):
    for platform in ("twitter", "instagram"):
        assert len(world.followers(platform, "nasa")) > 1000
    assert 10 <= len(world.followers("twitter", "janedoe")) <= 400
    assert {"nasa", "dagster_io", "duckdb", "jack"} <= {
        a.username for a in world.following("twitter", "janedoe")}
    for platform, name in (("twitter", "quiet_account"), ("instagram", "empty.account")):
        for epoch in range(4):
            assert world.followers(platform, name, epoch) == []
            assert world.following(platform, name, epoch) == []


def test_the_audience_is_heavy_tailed_a_few_hubs_many_small_accounts(world):
    counts = sorted((len(world.followers("twitter", a.username))
                     for a in world.accounts("twitter")), reverse=True)
    assert counts[0] > 1000 and counts[4] > 500
    assert counts[len(counts) // 2] < 20 and counts.count(0) > 50


@pytest.mark.parametrize("platform", ["twitter", "instagram"])
def test_usernames_follow_the_platform_rules_and_profile_urls_match(world, platform):
    accounts = world.accounts(platform)
    assert len({a.username for a in accounts}) == len(accounts)
    assert all(USERNAME_RULES[platform].match(a.username) for a in accounts)
    if platform == "instagram":
        assert any("." in a.username for a in accounts)
        assert world.account(platform, "jane.doe").profile_url == (
            "https://www.instagram.com/jane.doe/")
    else:
        assert world.account(platform, "janedoe").profile_url == "https://x.com/janedoe"


def test_churn_changes_the_world_between_epochs_but_only_a_little(world):
    before, after = world.edges("twitter", 0), world.edges("twitter", 1)
    assert before != after
    overlap = len(before & after) / len(before | after)
    assert 0.8 < overlap < 0.99
    assert world.edges("twitter", 1) == after  # an epoch is a fixed snapshot


def test_a_lookup_after_set_epoch_sees_the_new_snapshot(api, sim):
    first = api.lookup(username="nasa", type="followers", max_results=1000)["result"]
    sim.set_epoch(1)
    second = api.lookup(username="nasa", type="followers", max_results=1000)["result"]
    names = [{e["username"] for e in r["interactions"]} for r in (first, second)]
    assert names[0] != names[1]
    assert names[1] == {a.username for a in sim.world.followers("twitter", "nasa", 1)[:1000]}


def test_two_worlds_with_the_same_seed_are_equal_and_another_seed_differs():
    one, two = PlatformWorld(42, "twitter", 400), PlatformWorld(42, "twitter", 400)
    assert one.accounts == two.accounts and one.base_edges == two.base_edges
    assert one.graph(2, 0.05) == two.graph(2, 0.05)
    other = PlatformWorld(43, "twitter", 400)
    assert [a.username for a in other.accounts] != [a.username for a in one.accounts]


def test_the_world_is_the_same_in_another_process_whatever_the_hash_seed(world):
    script = ("from simulator.world import World; w = World(); "
              "print(sorted(w.edges('instagram', 2))[:50], w.posts('nasa'), "
              "[a.username for a in w.accounts('twitter')[:50]], "
              "[r[0].username for r in w.replies('1786123456789012345')])")
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed,
               "PYTHONPATH": os.pathsep.join(sys.path)}
        outputs.add(subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                   capture_output=True, text=True, timeout=60).stdout)
    here = (f"{sorted(world.edges('instagram', 2))[:50]} {world.posts('nasa')} "
            f"{[a.username for a in world.accounts('twitter')[:50]]} "
            f"{[r[0].username for r in world.replies('1786123456789012345')]}\n")
    assert outputs == {here}


def test_notable_posts_have_stable_ids_and_repliers_among_the_authors_followers():
    world = World(churn=0.0)  # at churn 0 every epoch is the base graph
    assert world.posts("janedoe") == ["1786123456789012345", "1798765432109876543",
                                      "1803000000000000042"]
    assert world.posts("nasa") == ["1790000000000001969", "1795555555555555555"]
    assert [len(world.replies(t)) for t in world.posts("janedoe")] == [48, 7, 0]
    fans = {a.username for a in world.followers("twitter", "janedoe")}
    assert {r[0].username for r in world.replies("1786123456789012345")} <= fans
    assert world.post("1786123456789012345").author.username == "janedoe"
    assert world.post("1786123456789012346") is None
    assert world.posts("natgeo", platform="instagram") == []


def test_ordinary_accounts_have_posts_too(world):
    with_posts = [a for a in world.accounts("twitter")[6:300] if world.posts(a.username)]
    assert len(with_posts) > 20
    tweet_id = world.posts(with_posts[0].username)[0]
    assert 10 <= len(tweet_id) <= 25 and world.post(tweet_id).author == with_posts[0]
