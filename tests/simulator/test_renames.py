"""`renames`: an account answers under a new handle from an epoch on, with the same id; its old
handle is unknown from then on."""

from __future__ import annotations

import httpx
import pytest

from simulator import SimulatorConfig
from simulator.world import World

# dagster_io follows ivannovak, which follows it back.
RENAME = {"platform": "twitter", "from": "ivannovak", "to": "ivan_new", "epoch": 1}


def actors(data) -> dict[str, str]:
    """username -> id of an `actor`-shaped result."""
    return {row["actor"]["username"]: row["actor"]["id"] for row in data["result"]["interactions"]}


def test_set_live_the_rename_shows_from_its_epoch_in_lists_and_lookups_with_the_same_id(api, sim):
    admin = httpx.Client(base_url=sim.url, trust_env=False)
    changed = admin.post("/_sim/config", json={"renames": [RENAME], "entry_shape": "actor",
                                                "churn": 0.0})
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["config"]["renames"] == [RENAME]

    before = actors(api.lookup(username="dagster_io", type="followers", max_results=1000))
    own_before = api.lookup(username="ivannovak", type="followers", max_results=1000)
    admin.post("/_sim/epoch", json={"epoch": 1})
    after = actors(api.lookup(username="dagster_io", type="followers", max_results=1000))
    following = actors(api.lookup(username="dagster_io", type="following", max_results=1000))
    own_after = api.lookup(username="ivan_new", type="followers", max_results=1000)
    gone = api.lookup(username="ivannovak", type="followers")
    admin.close()

    assert "ivannovak" in before and "ivan_new" not in before
    assert "ivannovak" not in after and after["ivan_new"] == before["ivannovak"]  # same id
    assert following["ivan_new"] == before["ivannovak"]
    assert set(after) - {"ivan_new"} == set(before) - {"ivannovak"}  # nobody else changed
    assert own_after["status"] == "completed"
    assert own_after["result"]["target"] == {"username": "ivan_new",
                                             "profile_url": "https://x.com/ivan_new"}
    assert len(own_after["result"]["interactions"]) == len(own_before["result"]["interactions"])
    assert gone["status"] == "failed"
    assert gone["error"] == "Profile not found: @ivannovak on twitter"


def test_the_world_answers_every_epoch_by_the_handle_of_that_epoch():
    world = World(churn=0.0, renames=[
        RENAME, {**RENAME, "from": "ivan_new", "to": "ivan_third", "epoch": 3}])
    old = world.account("twitter", "ivannovak", 0)
    assert world.account("twitter", "ivan_new", 0) is None
    assert world.account("twitter", "ivannovak", 1) is None
    for epoch, handle in ((1, "ivan_new"), (2, "ivan_new"), (3, "ivan_third"), (9, "ivan_third")):
        account = world.account("twitter", handle, epoch)
        assert (account.id, account.idx, account.username) == (old.id, old.idx, handle)
        assert account.profile_url == f"https://x.com/{handle}"
        assert ("dagster_io", handle) in world.edges("twitter", epoch)
    assert world.account("twitter", "ivan_new", 3) is None
    assert World().account("twitter", "ivannovak", 5).id == old.id  # no renames: as before


@pytest.mark.parametrize("entry, message", [
    ({**RENAME, "from": "nobody_here"}, "no account is @nobody_here on twitter at epoch 1"),
    ({**RENAME, "to": "nasa"}, "the handle @nasa is taken on twitter"),
    ({**RENAME, "platform": "facebook"}, "unknown platform 'facebook'"),
    ({**RENAME, "to": "not a handle!"}, "'to' must be a valid twitter handle"),
    ({**RENAME, "epoch": -1}, "epoch must be a non-negative integer"),
    ({"platform": "twitter", "from": "ivannovak"}, "must have exactly the keys"),
])
def test_a_bad_entry_is_refused_naming_it_in_python_and_over_http(sim, entry, message):
    with pytest.raises(ValueError, match="renames\\[0\\]") as refused:
        sim.update(renames=[entry])
    assert message in str(refused.value)
    response = httpx.post(f"{sim.url}/_sim/config", json={"renames": [entry]}, trust_env=False)
    assert response.status_code == 400 and message in response.text
    assert sim.config.renames == ()  # all or none: nothing applied


def test_a_rename_checked_at_construction_and_a_handle_never_reused():
    with pytest.raises(ValueError, match="renames\\[1\\].*@ivannovak is taken"):
        World(renames=[RENAME, {**RENAME, "from": "nasa", "to": "ivannovak", "epoch": 2}])
    # The config checks the shape only, and normalises the handles.
    assert SimulatorConfig(renames=[{**RENAME, "from": "@IvanNovak"}]).renames == (RENAME,)
