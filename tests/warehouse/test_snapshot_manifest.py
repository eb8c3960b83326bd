"""The snapshot manifest end to end, from the simulator to the marts: every landed list is a
snapshot, empty or not; truncation is decided once (the manifest) and read by dbt; credits
sum to what was paid.

Each scenario collects with Dagster's own ``materialize`` against the simulator over HTTP,
then runs the real ``warehouse_job`` (dbt build on DuckDB) and reads the marts.
"""

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from resources.lookups.ledger.resource import LedgerResource
from social_assets.accounts import account_edges
from social_graph.definitions import defs
from tests.dagster.conftest import sim, storage  # noqa: F401 - the fixtures
from tests.dagster.conftest import nyne_for, target_list_for, world_usernames

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def _collect(sim, storage, instance, keys, *, collect=("followers",), refresh=False, **api):
    instance.add_dynamic_partitions("accounts", keys)
    tags = {"social/refresh": "true"} if refresh else {}
    for key in keys:
        result = dg.materialize(
            [account_edges], instance=instance, run_config=QUIET, partition_key=key, tags=tags,
            resources={"nyne": nyne_for(sim, **api), "storage": storage,
                       "ledger": LedgerResource(),
                       "target_list": target_list_for(storage.root().parent, keys, collect)})
        assert result.success
    return result


def _build(storage, instance):
    result = defs.resolve_job_def("warehouse_job").execute_in_process(
        instance=instance, raise_on_error=False,
        run_config={**QUIET, "resources": {"storage": {"config": {"data_dir": str(storage.root())}}}})
    assert result.success, [e.step_failure_data for e in result.get_step_failure_events()]


def _rows(storage, sql):
    with duckdb.connect(str(storage.root() / "warehouse.duckdb"), read_only=True) as db:
        return db.execute(sql).fetchall()


def test_an_empty_list_after_churn_removes_the_edges_and_shows_the_loss(
        sim, storage, instance, monkeypatch):
    monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
    before = world_usernames(sim, "followers", "twitter", "dagster_io")
    assert before
    _collect(sim, storage, instance, ["tw_dagster_io", "tw_quiet_account"])
    sim.update(churn=1.0, epoch=1)  # every base edge gone; new ones only among ordinary accounts
    assert world_usernames(sim, "followers", "twitter", "dagster_io") == set()
    _collect(sim, storage, instance, ["tw_dagster_io"], refresh=True)
    _build(storage, instance)

    assert _rows(storage, "select count(*) from fct_follows where followed_username = "
                          "'dagster_io' and is_current") == [(0,)]
    assert _rows(storage, "select count(*) from fct_follows where followed_username = "
                          "'dagster_io'") == [(len(before),)]  # history kept, none current
    changes = _rows(storage, "select listed_followers, gained, lost, net, is_lower_bound "
                             "from follower_changes where target_username = 'dagster_io' "
                             "order by snapshot_at")
    assert changes == [(len(before), len(before), 0, len(before), False),
                       (0, 0, len(before), -len(before), False)]
    assert _rows(storage, "select row_count, rows_returned, credits from int_snapshots where "
                          "target_username = 'dagster_io' and is_latest") == [(0, 0, 0)]
    assert _rows(storage, "select in_degree from account_metrics where username = "
                          "'dagster_io'") in ([], [(0,)])
    # A quiet account (every list it ever returned was empty) is still an account.
    assert _rows(storage, "select is_target from dim_accounts where username = "
                          "'quiet_account'") == [(True,)]


def test_a_cut_list_never_invents_a_loss_and_says_its_change_is_a_lower_bound(
        sim, storage, instance, monkeypatch):
    monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
    assert len(world_usernames(sim, "followers", "twitter", "nasa")) > 50
    _collect(sim, storage, instance, ["tw_nasa", "tw_janedoe"], max_results=50)
    sim.update(churn=0.2, epoch=1)
    _collect(sim, storage, instance, ["tw_nasa"], refresh=True, max_results=50)
    _build(storage, instance)

    snapshots = _rows(storage, "select row_count, max_results, is_truncated from int_snapshots "
                               "where target_username = 'nasa' order by snapshot_at")
    assert snapshots == [(50, 50, True), (50, 50, True)]  # dbt reads the cut from the manifest
    latest = _rows(storage, "select lost, net, is_lower_bound, listed_followers, "
                            "coalesce(profile_followers_count >= listed_followers, true) "
                            "from follower_changes where target_username = 'nasa' "
                            "order by snapshot_at desc limit 1")
    assert latest == [(0, None, True, 50, True)]  # no loss it cannot know; flagged
    truncated = _rows(storage, "select inputs_truncated from account_metrics where username = 'nasa'")
    assert truncated == [(True,)]
    # Whether janedoe's list was cut follows from its size against the 50 asked.
    jane = len(world_usernames(sim, "followers", "twitter", "janedoe"))
    assert _rows(storage, "select is_truncated from int_snapshots where target_username = "
                          "'janedoe'") == [(jane >= 50,)]


def test_a_compound_lookups_credits_sum_to_what_was_paid(sim, storage, instance):
    result = _collect(sim, storage, instance, ["tw_janedoe"], collect=("followers", "following"))
    metas = {e.materialization.asset_key.to_user_string(): e.materialization.metadata
             for e in result.get_asset_materialization_events()}
    paid = sum(charge.credits for charge in sim.charges)
    assert paid == 3
    assert sum(m["nyne/credits"].value for m in metas.values()) == paid
    assert {k: m["nyne/credits"].value for k, m in metas.items()} == {"followers": 3, "following": 0}
    for name, meta in metas.items():  # each list's own total, when the API's total allows it
        size = len(world_usernames(sim, name, "twitter", "janedoe"))
        assert meta["nyne/total_count"].value == size
        assert meta["nyne/request_total_count"].value == len(
            world_usernames(sim, "followers", "twitter", "janedoe")) + len(
            world_usernames(sim, "following", "twitter", "janedoe"))
    manifest = pq.read_table(storage.root() / "raw" / "snapshots").to_pylist()
    assert sorted((r["list_type"], r["credits"], r["request_credits"]) for r in manifest) == [
        ("followers", 3, 3), ("following", 0, 3)]
