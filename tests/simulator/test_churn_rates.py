"""`churn_rates`: accounts whose followers persist and flip at their own rate, so changes
accumulate with the time between two snapshots; everyone else keeps the global churn."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from simulator import SimulatorConfig
from simulator.world import World

FAST, QUIET = "twitter:janedoe", "twitter:elena_garcia"
RATES = {FAST: 0.1, QUIET: 0.002, "instagram:jane.doe": 0.05}


def names(accounts) -> set[str]:
    return {a.username for a in accounts}


@pytest.fixture(scope="module")
def world() -> World:
    return World(churn_rates=RATES)


@pytest.fixture(scope="module")
def month(world) -> dict[str, list[set[str]]]:
    """Followers of a fast, a quiet and an unnamed account at epochs 0..30 (one graph each)."""
    return {user: [names(world.followers("twitter", user, e)) for e in range(31)]
            for user in ("janedoe", "elena_garcia", "night_code6719")}


def changes(lists: list[set[str]], e1: int, e2: int) -> int:
    """Gained + lost between two epochs, as follower_changes counts them."""
    return len(lists[e1] ^ lists[e2])


def test_a_lookup_over_http_follows_the_rates_set_live_through_sim_config(api, sim):
    admin = httpx.Client(base_url=sim.url, trust_env=False)
    changed = admin.post("/_sim/config", json={"churn_rates": {"twitter:JaneDoe": 0.1}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["config"]["churn_rates"] == {FAST: 0.1}
    state = admin.get("/_sim/state").json()["data"]
    assert state["config"]["churn_rates"] == {FAST: 0.1}
    expected = World(churn_rates={FAST: 0.1})
    for epoch in (0, 6):
        admin.post("/_sim/epoch", json={"epoch": epoch})
        rows = api.lookup(username="janedoe", type="followers", max_results=1000)["result"]
        got = [row["username"] for row in rows["interactions"]]
        assert got == [a.username for a in expected.followers("twitter", "janedoe", epoch)]
    assert got != [a.username for a in World().followers("twitter", "janedoe", 6)]
    admin.close()


@pytest.mark.parametrize("entry, message", [
    ({"nasa": 0.1}, "'nasa': key must be 'platform:username'"),
    ({"twitter:": 0.1}, "'twitter:': key must be 'platform:username'"),
    ({"facebook:nasa": 0.1}, "'facebook:nasa': unknown platform 'facebook'"),
    ({"twitter:nasa": 1.5}, "'twitter:nasa': probability must be between 0 and 1; got 1.5"),
    ({"twitter:nasa": -0.1}, "'twitter:nasa': probability must be between 0 and 1"),
    ({"twitter:nasa": "fast"}, "'twitter:nasa': probability must be between 0 and 1"),
])
def test_a_bad_entry_is_refused_naming_it_in_python_and_over_http(sim, entry, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        SimulatorConfig(churn_rates=entry)
    response = httpx.post(f"{sim.url}/_sim/config", json={"churn_rates": entry},
                          trust_env=False)
    assert response.status_code == 400 and message in response.json()["error"]["message"]
    assert sim.config.churn_rates == {}


def test_a_fast_account_changes_about_four_times_more_over_a_week_than_over_a_day(month):
    candidates = 2 * len(World().followers("twitter", "janedoe", 0))
    lists = month["janedoe"]
    day = [changes(lists, e, e + 1) for e in range(0, 24)]
    week = [changes(lists, e, e + 7) for e in range(0, 24)]
    mean_day, mean_week = sum(day) / len(day), sum(week) / len(week)
    # P(an edge differs after d epochs) = (1 - (1 - 2p)^d) / 2: 0.1 at d=1, 0.395 at d=7.
    assert mean_day == pytest.approx(0.1 * candidates, rel=0.2)
    assert mean_week == pytest.approx(0.395 * candidates, rel=0.15)
    assert 3.0 < mean_week / mean_day < 5.0
    # The list keeps about its size: half the candidates are present on average.
    sizes = [len(fans) for fans in lists]
    assert sum(sizes) / len(sizes) == pytest.approx(candidates / 2, rel=0.15)


def test_a_quiet_account_hardly_changes_while_an_unnamed_one_churns_every_epoch(month):
    quiet, unnamed = month["elena_garcia"], month["night_code6719"]
    size = len(quiet[0])
    # p = 0.002: about 6% of the 2 * size candidates differ after 30 epochs (0.11 * size).
    assert changes(quiet, 0, 30) < 0.2 * size
    assert sum(changes(quiet, e, e + 1) for e in range(30)) < size
    # The global churn (0.05) redraws about 10% of an unnamed list at every epoch.
    assert all(changes(unnamed, e, e + 1) > 0.05 * len(unnamed[0]) for e in range(5))


def test_accounts_not_named_see_exactly_the_world_without_churn_rates(world):
    plain = World()
    for epoch in (0, 3):
        for user in ("nasa", "night_code6719", "dagster_io", "quiet_account"):
            assert world.followers("twitter", user, epoch) == plain.followers(
                "twitter", user, epoch)
        untouched = {(a, b) for a, b in plain.edges("twitter", epoch)
                     if b not in ("janedoe", "elena_garcia")}
        assert {(a, b) for a, b in world.edges("twitter", epoch)
                if b not in ("janedoe", "elena_garcia")} == untouched


@pytest.mark.parametrize("platform, user", [("twitter", "janedoe"),
                                            ("instagram", "jane.doe")])
def test_followers_and_following_stay_two_readings_of_one_edge_set(world, platform, user):
    for epoch in (0, 5, 13):
        fans = world.followers(platform, user, epoch)
        for fan in fans:
            assert user in names(world.following(platform, fan.username, epoch))
        edges = world.edges(platform, epoch)
        assert {a for a, b in edges if b == user} == names(fans)
        followed_by = {a.username for a in world.accounts(platform)
                       if user in names(world.following(platform, a.username, epoch))}
        assert followed_by == names(fans)


def test_rates_zero_and_one_freeze_the_list_or_swap_it_for_the_pool():
    frozen = World(churn_rates={FAST: 0.0})
    base = frozen.followers("twitter", "janedoe", 0)
    assert all(frozen.followers("twitter", "janedoe", e) == base for e in (1, 9))
    swapped = World(churn_rates={FAST: 1.0})
    pool = names(swapped.followers("twitter", "janedoe", 1))
    assert len(pool) == len(base) and not pool & names(base)
    assert names(swapped.followers("twitter", "janedoe", 2)) == names(base)  # re-followed


def test_the_churning_world_is_the_same_in_another_process_and_another_instance(world):
    script = ("from simulator.world import World; "
              f"w = World(churn_rates={RATES!r}); "
              "print([a.username for a in w.followers('twitter', 'janedoe', 9)], "
              "sorted(w.edges('instagram', 4))[:40])")
    env = {**os.environ, "PYTHONHASHSEED": "3", "PYTHONPATH": os.pathsep.join(sys.path)}
    there = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                           capture_output=True, text=True, timeout=60).stdout
    again = World(churn_rates=dict(RATES))
    here = (f"{[a.username for a in again.followers('twitter', 'janedoe', 9)]} "
            f"{sorted(world.edges('instagram', 4))[:40]}\n")
    assert there == here
