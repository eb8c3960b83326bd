"""Stable identities end to end: an account of the simulator's world changes its handle at
epoch 1 (the `renames` knob); lookups at epochs 0 and 1 land as Parquet (the project's
writers); dbt builds after each collection (incremental after the second) equal a full refresh,
and the account is one node under its new handle, its old one an alias.

Twitter lists come in the `actor` shape (ids): the rename is followed. Instagram lists come
flat (no ids): the account is keyed by its handle as before, so its rename is a loss and a
gain. The lookups run once per module (a few hundred ms); each test writes and builds its own.
"""

import asyncio
import math
from datetime import datetime, timedelta, timezone

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from resources.nyne import LookupRequest, NyneClient
from resources.postgres import PostgresWarehouse
from resources.storage import SocialStorage
from simulator import SimulatorConfig, SimulatorServer
from social_assets.export.graph import load_graph
from social_assets.parquet import EDGE_SCHEMA, SCHEMA_FILE, with_declared_columns
from social_assets.postgres_raw import postgres_raw
from tests.client.conftest import FAST, SCALE
from tests.dbt.conftest import ensure_schema_files, run_dbt, write_edge_snapshot
from tests.dbt.test_incremental import BOOKKEEPING, TABLES, _compare
from tests.postgres import connect, scratch_database

pytestmark = pytest.mark.timeout(600)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
OLD, NEW = "ivannovak", "ivan_renamed"  # follows dagster_io, which follows it back
FLAT_OLD, FLAT_NEW = "bytes366", "bytes_renamed"  # follows natgeo on Instagram (flat shape)
RENAMES = [{"platform": "twitter", "from": OLD, "to": NEW, "epoch": 1},
           {"platform": "instagram", "from": FLAT_OLD, "to": FLAT_NEW, "epoch": 1}]
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


async def _lookup(client: NyneClient, request: LookupRequest):
    submitted = await client.submit(request)
    while True:
        status = await client.poll(submitted.request_id, expected_type=request.interaction_type)
        if status.is_terminal:
            assert status.result is not None, status.error
            return submitted.request_id, status.result
        await asyncio.sleep(0.02)


def _collect(sim, plan) -> list[tuple]:
    """(asset, platform, target, request_id, entries) of each (shape, platform, target, list)."""

    async def run():
        out = []
        async with NyneClient(sim.url, sim.config.api_key, sim.config.api_secret,
                              settings=FAST) as client:
            for shape, platform, target, asset in plan:
                sim.update(entry_shape=shape)
                request_id, result = await _lookup(
                    client, LookupRequest(platform, asset, username=target))
                out.append((asset, platform, target, request_id, result.interactions))
        return out

    return asyncio.run(run())


@pytest.fixture(scope="module")
def collections():
    """The lookups of epoch 0 and of epoch 1 (after the renames), no churn."""
    config = SimulatorConfig(time_scale=SCALE, latency_s=(1.0, 2.0), churn=0.0, renames=RENAMES)
    with SimulatorServer(config, port=0) as sim:
        epochs = []
        for epoch, renamed in ((0, OLD), (1, NEW)):
            sim.set_epoch(epoch)
            epochs.append(_collect(sim, [
                ("actor", "twitter", "dagster_io", "followers"),
                ("actor", "twitter", "dagster_io", "following"),
                ("actor", "twitter", renamed, "followers"),
                ("actor", "twitter", renamed, "following"),
                ("flat", "instagram", "natgeo", "followers")]))
        ivan_id = sim.world.account("twitter", NEW, 1).id
    return epochs, ivan_id


def _write(data, snapshots, epoch: int) -> None:
    for asset, platform, target, request_id, entries in snapshots:
        write_edge_snapshot(data, asset, platform, target, entries, T0 + timedelta(days=epoch),
                            request_id)


def _full_refresh_equals(data, incremental, full) -> None:
    run_dbt(["build", "--full-refresh"], data, extra_env={"SOCIAL_WAREHOUSE": str(full)})
    for table in TABLES:
        _compare(incremental, full, table)


def test_a_rename_seen_with_ids_is_one_account_and_a_flat_one_stays_two(collections, tmp_path):
    """Epoch 1 lands in two builds: first dagster_io's lists, which alone reveal the rename
    (the renamed account's own epoch-0 lists must be re-keyed with nothing new of theirs),
    then the renamed account's lists under its new handle."""
    (epoch_0, epoch_1), ivan_id = collections
    data = tmp_path / "data"
    ensure_schema_files(data / "raw")
    incremental = data / "warehouse.duckdb"
    _write(data, epoch_0, 0)
    run_dbt(["build"], data)
    _write(data, [s for s in epoch_1 if s[2] != NEW], 1)
    assert "incremental model" in run_dbt(["build"], data).stdout
    _full_refresh_equals(data, incremental, tmp_path / "full_a.duckdb")
    with duckdb.connect(str(incremental), read_only=True) as db:
        assert db.execute("select target_username, collected_username from int_snapshots "
                          "where collected_username = ?", [OLD]).fetchall() == [(NEW, OLD)] * 2
    _write(data, [s for s in epoch_1 if s[2] == NEW], 1)
    run_dbt(["build"], data)
    _full_refresh_equals(data, incremental, tmp_path / "full_b.duckdb")

    with duckdb.connect(str(incremental), read_only=True) as db:
        def rows(sql, *params):
            return db.execute(sql, list(params)).fetchall()

        # One account: its current handle, its id, the old handle as an alias.
        assert rows("select username, account_id, identity, previous_usernames from dim_accounts "
                    "where platform = 'twitter' and username in (?, ?)", OLD, NEW) == [
            (NEW, ivan_id, "account_id", OLD)]
        assert rows("select username, is_current_username from account_aliases "
                    "where account_id = ? order by username", ivan_id) == [
            (NEW, True), (OLD, False)]
        # One node in the follow graph: both edges with dagster_io, current, seen since epoch 0.
        assert rows("select follower_username, followed_username, is_current, first_seen_at "
                    "from fct_follows where platform = 'twitter' and ? in (follower_username, "
                    "followed_username) and 'dagster_io' in (follower_username, followed_username)"
                    " order by 1", NEW) == [
            ("dagster_io", NEW, True, T0), (NEW, "dagster_io", True, T0)]
        assert rows("select count(*) from fct_follows where ? in (follower_username, "
                    "followed_username)", OLD) == [(0,)]
        assert rows("select count(*) from mutual_follows where platform = 'twitter' and "
                    "username_a = 'dagster_io' and username_b = ?", NEW) == [(1,)]
        assert rows("select username from account_metrics where platform = 'twitter' and "
                    "username in (?, ?)", OLD, NEW) == [(NEW,)]
        # The rename is no change of followers: neither for dagster_io nor for the renamed
        # account, whose lists collected under both handles are one sequence.
        assert rows("select target_username, gained, lost from follower_changes where "
                    "platform = 'twitter' and snapshot_at > ? order by 1", T0) == [
            ("dagster_io", 0, 0), (NEW, 0, 0)]
        assert rows("select collected_username, snapshot_number from int_snapshots where "
                    "target_username = ? and list_type = 'followers' order by 2", NEW) == [
            (OLD, 1), (NEW, 2)]

        # Flat shape, no ids: keyed by handle as before, so the rename is one lost, one gained.
        assert rows("select username, account_id, identity from dim_accounts where "
                    "platform = 'instagram' and username in (?, ?) order by 1",
                    FLAT_OLD, FLAT_NEW) == [(FLAT_OLD, None, "handle"), (FLAT_NEW, None, "handle")]
        assert rows("select gained, lost from follower_changes where platform = 'instagram' "
                    "and snapshot_at > ?", T0) == [(1, 1)]
        assert rows("select count(*) from dim_accounts where platform = 'instagram' and "
                    "identity <> 'handle'") == [(0,)]

        graph = load_graph(db)
    assert f"twitter:{NEW}" in graph and f"twitter:{OLD}" not in graph
    assert graph.has_edge(f"twitter:{NEW}", "twitter:dagster_io", "follows")


def test_the_same_rename_on_postgresql_incremental_equals_full_refresh(collections, tmp_path):
    epochs, ivan_id = collections
    data = tmp_path / "data"
    ensure_schema_files(data / "raw")
    with scratch_database() as pg, dg.instance_for_test() as instance:
        env = {"SOCIAL_PG_HOST": pg.host, "SOCIAL_PG_PORT": str(pg.port),
               "SOCIAL_PG_USER": pg.user, "SOCIAL_PG_DB": pg.dbname}
        warehouse = PostgresWarehouse(host=pg.host, port=pg.port, user=pg.user, dbname=pg.dbname)
        for epoch, snapshots in enumerate(epochs):
            _write(data, snapshots, epoch)
            loaded = dg.materialize(
                [postgres_raw], instance=instance, run_config=QUIET,
                resources={"storage": SocialStorage(data_dir=str(data)), "postgres": warehouse})
            assert loaded.success
            run_dbt(["build"], data, target="postgres",
                    extra_env={**env, "SOCIAL_PG_SCHEMA": "analytics"})
        run_dbt(["build", "--full-refresh"], data, target="postgres",
                extra_env={**env, "SOCIAL_PG_SCHEMA": "analytics_full"})
        with connect(pg.dbname) as conn, conn.cursor() as cur:
            for table in TABLES:
                got, want = ([list(r) for r in _pg_rows(cur, schema, table)]
                             for schema in ("analytics", "analytics_full"))
                assert len(got) == len(want), table
                for a, b in zip(got, want):
                    assert all(math.isclose(x, y, abs_tol=1e-9) if isinstance(x, float)
                               else x == y for x, y in zip(a, b)), (table, a, b)
            cur.execute("select username, account_id, identity, previous_usernames "
                        "from analytics.dim_accounts where username in (%s, %s)", (OLD, NEW))
            assert cur.fetchall() == [(NEW, ivan_id, "account_id", OLD)]
            cur.execute("select target_username, gained, lost from analytics.follower_changes "
                        "where platform = 'twitter' and snapshot_at > %s order by 1", (T0,))
            assert cur.fetchall() == [("dagster_io", 0, 0), (NEW, 0, 0)]
            cur.execute("select gained, lost from analytics.follower_changes "
                        "where platform = 'instagram' and snapshot_at > %s", (T0,))
            assert cur.fetchall() == [(1, 1)]


def _pg_rows(cur, schema: str, table: str) -> list[tuple]:
    cur.execute(f"select * from {schema}.{table} order by {TABLES[table]}")
    keep = [i for i, c in enumerate(cur.description) if c.name not in BOOKKEEPING]
    return [tuple(row[i] for i in keep) for row in cur.fetchall()]


def test_old_parquet_files_without_account_id_are_still_read(tmp_path):
    """A file written before the column, beside the folder's old _schema.parquet: the schema
    file is rewritten, and staging reads the old file with account_id NULL (and so does the
    PostgreSQL loader, through with_declared_columns)."""
    data = tmp_path / "data"
    path = write_edge_snapshot(data, "followers", "twitter", "alpha", ["bob"], T0, "req_old")
    old_schema = pa.schema([f for f in EDGE_SCHEMA if f.name != "account_id"])
    pq.write_table(pq.read_table(path).select(old_schema.names), path)
    loaded = with_declared_columns(pq.read_table(path), EDGE_SCHEMA)
    assert loaded.schema.names == EDGE_SCHEMA.names
    assert loaded.column("account_id").to_pylist() == [None]
    schema_file = data / "raw" / "followers" / SCHEMA_FILE
    pq.write_table(old_schema.empty_table(), schema_file)
    ensure_schema_files(data / "raw")
    assert pq.read_schema(schema_file).names == EDGE_SCHEMA.names
    run_dbt(["run", "--select", "+dim_accounts"], data)
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as db:
        assert db.execute("select username, account_id from stg_nyne__followers").fetchall() == [
            ("bob", None)]
        assert db.execute("select username, identity from dim_accounts order by 1").fetchall() == [
            ("alpha", "handle"), ("bob", "handle")]
