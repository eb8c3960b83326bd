"""Loading the raw Parquet snapshots into PostgreSQL, for real, for the dbt-postgres target."""

from datetime import datetime, timezone

import dagster as dg
import pytest

from resources.nyne import Interaction
from resources.postgres import PostgresWarehouse
from resources.storage import SocialStorage
from social_assets.parquet import edge_table, snapshot_path, write_snapshot
from social_assets.postgres_raw import postgres_raw
from tests.postgres import scratch_database

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@pytest.fixture
def pg():
    with scratch_database() as database:
        yield database


def _snapshot(storage, asset, target, request_id, usernames):
    table = edge_table([Interaction(username=u, followers_count=7, verified=True, bio=None)
                        for u in usernames],
                       platform="twitter", target_username=target, request_id=request_id,
                       fetched_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
    write_snapshot(table, snapshot_path(storage.raw_dir(asset), platform="twitter",
                                        target=target, request_id=request_id))


def _load(pg, storage):
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [postgres_raw], run_config=QUIET, instance=instance,
            resources={"storage": storage, "postgres": PostgresWarehouse(
                host=pg.host, port=pg.port, user=pg.user, dbname=pg.dbname)})
    assert result.success
    return {e.materialization.asset_key.path[-1]: e.materialization.metadata
            for e in result.get_asset_materialization_events()}


def _count(pg, sql):
    from tests.postgres import connect

    with connect(pg.dbname) as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_each_snapshot_is_loaded_once_and_new_ones_incrementally(pg, tmp_path):
    storage = SocialStorage(data_dir=str(tmp_path / "data"))
    _snapshot(storage, "followers", "alice", "req_1", ["bob", "carol", "dave"])
    _snapshot(storage, "following", "alice", "req_1", ["erin"])
    first = _load(pg, storage)
    assert first["followers"]["snapshots_loaded"].value == 1
    assert first["followers"]["dagster/row_count"].value == 3
    assert _count(pg, "select username, followers_count, verified from raw.followers "
                      "order by 1") == [("bob", 7, True), ("carol", 7, True), ("dave", 7, True)]

    again = _load(pg, storage)
    assert again["followers"]["snapshots_loaded"].value == 0
    assert again["followers"]["dagster/row_count"].value == 3

    _snapshot(storage, "followers", "alice", "req_2", ["bob", "frank"])
    third = _load(pg, storage)
    assert third["followers"]["snapshots_loaded"].value == 1
    assert _count(pg, "select request_id, count(*) from raw.followers group by 1 order by 1") == [
        ("req_1", 3), ("req_2", 2)]
    assert _count(pg, "select count(*) from raw.repliers") == [(0,)]
    fetched = _count(pg, "select distinct fetched_at from raw.followers")
    assert fetched[0][0] == datetime(2026, 11, 1, tzinfo=timezone.utc)
