"""Materializing the raw assets with Dagster's own ``materialize``, against the simulator."""

import dagster as dg
import pyarrow.parquet as pq
import pytest

from resources.lookups.ledger.resource import LedgerResource
from resources.target_list import TargetListResource
from social_assets.accounts import account_edges
from social_assets.parquet import EDGE_SCHEMA, REPLIERS_SCHEMA
from social_assets.posts import repliers
from tests.dagster.conftest import nyne_for, submits, target_list_for, world_usernames

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _materialize(assets, nyne, storage, instance, collect=("followers", "following"), **kwargs):
    """Materialize; the target list's rows for the registered accounts collect ``collect``."""
    folder = storage.root().parent
    accounts = instance.get_dynamic_partitions("accounts")
    return dg.materialize(assets, instance=instance, run_config=QUIET,
                          resources={"nyne": nyne, "storage": storage, "ledger": LedgerResource(),
                                     "target_list": target_list_for(folder, accounts, collect)},
                          **kwargs)


def _materialize_range(nyne, storage, instance, tmp_path, start, end, tags=None):
    """A range run of ``account_edges`` on a list where janedoe collects both lists and duckdb
    followers alone."""
    listed = tmp_path / "targets.yaml"
    listed.write_text("targets:\n  - url: https://x.com/janedoe\n"
                      "  - {platform: twitter, username: duckdb, collect: [followers]}\n")
    return dg.materialize(
        [account_edges], instance=instance, run_config=QUIET,
        resources={"nyne": nyne, "storage": storage, "ledger": LedgerResource(),
                   "target_list": TargetListResource(path=str(listed))},
        tags={**(tags or {}), "dagster/asset_partition_range_start": start,
              "dagster/asset_partition_range_end": end})


def _range(keys):
    return {"dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1]}


def _failed_keys(result, instance, landed) -> dict[str, str]:
    """The failed run's ``failures`` (key -> reason), once ``landed`` are all recorded."""
    assert not result.success
    assert instance.get_materialized_partitions(dg.AssetKey("followers")) == landed
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    return failure.metadata["failures"].value


def _metadata(result, asset, partition):
    for event in result.get_asset_materialization_events():
        mat = event.materialization
        if mat.asset_key == dg.AssetKey(asset) and mat.partition == partition:
            return {k: v.value for k, v in mat.metadata.items()}
    raise AssertionError(f"no materialization of {asset} {partition}")


def _usernames(path) -> set[str]:
    return set(pq.ParquetFile(path).read().column("username").to_pylist())


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def test_a_followers_partition_lands_as_parquet_with_its_metadata(sim, nyne, storage, instance):
    instance.add_dynamic_partitions("accounts", ["tw_janedoe"])
    result = _materialize([account_edges], nyne, storage, instance,
                          partition_key="tw_janedoe", collect=["followers"])
    assert result.success
    meta = _metadata(result, "followers", "tw_janedoe")
    table = pq.ParquetFile(meta["path"]).read()
    assert table.schema.equals(EDGE_SCHEMA, check_metadata=False)
    assert meta["path"].endswith(f"raw/followers/twitter/janedoe/{meta['nyne/request_id']}.parquet")
    assert meta["path"].endswith(f"{meta['nyne/request_id']}.parquet")
    assert meta["dagster/row_count"] == table.num_rows > 0
    assert _usernames(meta["path"]) == world_usernames(sim, "followers", "twitter", "janedoe")
    assert meta["nyne/credits"] == 3 and meta["nyne/truncated"] is False
    assert [c.interaction_type for c in sim.charges] == ["followers"]
    assert instance.get_materialized_partitions(dg.AssetKey("following")) == set()


def test_followers_and_following_together_cost_one_request(sim, nyne, storage, instance):
    instance.add_dynamic_partitions("accounts", ["tw_janedoe"])
    result = _materialize([account_edges], nyne, storage, instance, partition_key="tw_janedoe")
    assert result.success
    assert len(submits(sim)) == 1
    assert [(c.interaction_type, c.credits) for c in sim.charges] == [("followers,following", 3)]
    followers = _metadata(result, "followers", "tw_janedoe")
    following = _metadata(result, "following", "tw_janedoe")
    assert followers["nyne/request_id"] == following["nyne/request_id"]
    assert following["nyne/shared_request_with"] == "followers"
    assert _usernames(followers["path"]) == world_usernames(sim, "followers", "twitter", "janedoe")
    assert _usernames(following["path"]) == world_usernames(sim, "following", "twitter", "janedoe")


def test_following_alone_asks_for_following_only(sim, nyne, storage, instance):
    instance.add_dynamic_partitions("accounts", ["ig_jane.doe"])
    result = _materialize([account_edges], nyne, storage, instance,
                          partition_key="ig_jane.doe", collect=["following"])
    assert result.success
    assert [c.interaction_type for c in sim.charges] == ["following"]
    meta = _metadata(result, "following", "ig_jane.doe")
    assert "/raw/following/instagram/jane.doe/" in meta["path"]
    assert _usernames(meta["path"]) == world_usernames(sim, "following", "instagram", "jane.doe")


def test_an_empty_result_is_a_valid_empty_file_that_costs_nothing(sim, nyne, storage, instance):
    instance.add_dynamic_partitions("accounts", ["tw_quiet_account"])
    result = _materialize([account_edges], nyne, storage, instance,
                          partition_key="tw_quiet_account")
    assert result.success
    for asset in ("followers", "following"):
        meta = _metadata(result, asset, "tw_quiet_account")
        table = pq.ParquetFile(meta["path"]).read()
        assert table.num_rows == 0 and table.schema.equals(EDGE_SCHEMA, check_metadata=False)
        assert meta["nyne/credits"] == 0
    assert sim.credits_used == 0


def test_a_hub_over_max_results_is_flagged_truncated(sim, storage, instance):
    instance.add_dynamic_partitions("accounts", ["tw_nasa"])
    result = _materialize([account_edges], nyne_for(sim, max_results=50), storage, instance,
                          partition_key="tw_nasa", collect=["followers"])
    meta = _metadata(result, "followers", "tw_nasa")
    assert meta["dagster/row_count"] == 50 and meta["nyne/truncated"] is True


def test_repliers_of_a_post(sim, nyne, storage, instance):
    tweet_id = sim.world.posts("janedoe")[0]
    key = f"tw_{tweet_id}"
    instance.add_dynamic_partitions("posts", [key])
    result = _materialize([repliers], nyne, storage, instance, partition_key=key)
    assert result.success
    meta = _metadata(result, "repliers", key)
    table = pq.ParquetFile(meta["path"]).read()
    assert table.schema.equals(REPLIERS_SCHEMA, check_metadata=False)
    assert set(table.column("tweet_id").to_pylist()) <= {tweet_id}
    assert meta["path"].endswith(f"raw/repliers/twitter/{tweet_id}/{meta['nyne/request_id']}.parquet")
    assert table.num_rows == meta["dagster/row_count"]
    truth = sim.world.replies(tweet_id)
    assert truth, f"the simulator's post {tweet_id} has no replies to check against"
    assert set(table.column("username").to_pylist()) == {a.username for a, _, _ in truth}
    assert set(table.column("target_username").to_pylist()) == {"janedoe"}
    assert table.column("reply_text").null_count < table.num_rows


def test_a_range_run_keeps_the_good_keys_and_names_the_failed_one(sim, nyne, storage, instance):
    keys = ["tw_janedoe", "tw_no_such_user_x", "tw_dagster_io"]
    instance.add_dynamic_partitions("accounts", keys)
    result = _materialize(
        [account_edges], nyne, storage, instance, raise_on_error=False, collect=["followers"],
        tags=_range(keys))
    failed = _failed_keys(result, instance, {"tw_janedoe", "tw_dagster_io"})
    assert list(failed) == ["tw_no_such_user_x"]
    assert "LookupFailed" in failed["tw_no_such_user_x"]


def test_a_rerun_writes_a_new_snapshot_and_never_overwrites_the_old(sim, nyne, storage, instance):
    instance.add_dynamic_partitions("accounts", ["tw_dagster_io"])
    first = _materialize([account_edges], nyne, storage, instance,
                         partition_key="tw_dagster_io", collect=["followers"])
    second = _materialize([account_edges], nyne, storage, instance,
                          partition_key="tw_dagster_io", collect=["followers"])
    a = _metadata(first, "followers", "tw_dagster_io")["path"]
    b = _metadata(second, "followers", "tw_dagster_io")["path"]
    assert a != b
    folder = storage.raw_dir("followers") / "twitter" / "dagster_io"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.rsplit("/", 1)[-1] for p in (a, b))


def test_followers_and_following_are_one_lookup_and_cannot_be_split(sim, nyne, storage, instance):
    # Materialize on the `followers` page (or any selection of one list) buys both lists
    # together, at the price of one: the multi-asset is not subsettable.
    instance.add_dynamic_partitions("accounts", ["tw_janedoe"])
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="asset job"):
        _materialize([account_edges], nyne, storage, instance, partition_key="tw_janedoe",
                     selection=["followers"])
    assert submits(sim) == []


def test_each_key_of_a_range_collects_what_its_row_asks(sim, nyne, storage, instance, tmp_path):
    instance.add_dynamic_partitions("accounts", ["tw_janedoe", "tw_duckdb", "tw_nasa"])
    result = _materialize_range(nyne, storage, instance, tmp_path, "tw_janedoe", "tw_nasa")
    assert result.success
    asked = sorted((c.interaction_type, c.target) for c in sim.charges)
    # A key the list does not name gets both lists: they cost what one costs.
    assert asked == [("followers", "duckdb"), ("followers,following", "janedoe"),
                     ("followers,following", "nasa")]
    assert instance.get_materialized_partitions(dg.AssetKey("followers")) == {
        "tw_janedoe", "tw_duckdb", "tw_nasa"}
    assert instance.get_materialized_partitions(dg.AssetKey("following")) == {
        "tw_janedoe", "tw_nasa"}


def test_a_backfill_buys_both_lists_even_where_the_row_collects_one(sim, nyne, storage, instance,
                                                                   tmp_path):
    # Dagster's backfill asks for both assets of each partition and counts one that is not
    # recorded as failed; the pair costs what one list costs.
    instance.add_dynamic_partitions("accounts", ["tw_janedoe", "tw_duckdb"])
    result = _materialize_range(nyne, storage, instance, tmp_path, "tw_janedoe", "tw_duckdb",
                                {"dagster/backfill": "abcdefgh"})
    assert result.success
    assert sorted((c.interaction_type, c.target) for c in sim.charges) == [
        ("followers,following", "duckdb"), ("followers,following", "janedoe")]
    for asset in ("followers", "following"):
        assert instance.get_materialized_partitions(dg.AssetKey(asset)) == {
            "tw_janedoe", "tw_duckdb"}


def test_each_partition_is_recorded_as_soon_as_its_lookup_lands(sim, nyne, storage, instance):
    # A long range run shows its partitions filling in: one materialization per key and asset,
    # stored before the next key's, not a batch at the end. Each event comes before the step's
    # success in the event log.
    keys = ["tw_janedoe", "tw_dagster_io", "tw_quiet_account"]
    instance.add_dynamic_partitions("accounts", keys)
    result = _materialize([account_edges], nyne, storage, instance,
                          tags={"dagster/asset_partition_range_start": keys[0],
                                "dagster/asset_partition_range_end": keys[-1]})
    assert result.success
    events = [e.event_type_value for e in result.all_events]
    mats = [i for i, e in enumerate(events) if e == "ASSET_MATERIALIZATION"]
    assert len(mats) == 6  # 3 keys x 2 lists, each exactly once
    assert max(mats) < events.index("STEP_SUCCESS")
    assert all(isinstance(_metadata(result, a, k)["nyne/credits"], int)
               for a in ("followers", "following") for k in keys)


def test_a_malformed_key_in_a_range_fails_alone(sim, nyne, storage, instance):
    # A key registered by hand that is no valid account key: named as failed, and the good keys
    # of the same range are still collected.
    keys = ["tw_janedoe", "tw_not a handle!", "tw_dagster_io"]
    instance.add_dynamic_partitions("accounts", keys)
    listed = target_list_for(storage.root().parent, ["tw_janedoe", "tw_dagster_io"])
    result = dg.materialize(
        [account_edges], instance=instance, run_config=QUIET, raise_on_error=False,
        resources={"nyne": nyne, "storage": storage, "ledger": LedgerResource(),
                   "target_list": listed},
        tags=_range(keys))
    failed = _failed_keys(result, instance, {"tw_janedoe", "tw_dagster_io"})
    assert list(failed) == ["tw_not a handle!"]
