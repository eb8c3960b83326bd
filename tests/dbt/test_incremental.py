"""Incremental builds give exactly the tables a full refresh gives.

Three collections of a synthetic world land one after the other (lists churn, one followers
list comes back empty, one is cut at max_results, profiles change, a late snapshot lands with an
older fetched_at, posts get new replies); after each, an incremental ``dbt build`` on the same
warehouse. Then ``dbt build --full-refresh`` of the same snapshots into a second warehouse, and
every mart and intermediate table is compared row for row (PageRank to 1e-9: an incremental
build warm-starts it, so its last digits may differ within the iteration's tolerance).
"""

import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from resources.nyne import Interaction

from .conftest import run_dbt, write_edge_snapshot, write_replies_snapshot

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
PEOPLE = [f"user{i:03d}" for i in range(120)]
TARGETS = ["alpha", "beta", "gamma", "delta", "quiet"]
POSTS = {"9001": "alpha", "9002": "beta"}

TABLES = {  # every model's table, by the columns that order its rows
    "int_snapshots": "snapshot_id",
    "int_follow_edges": "snapshot_id, follower_username, followed_username",
    "dim_accounts": "platform, username",
    "fct_follows": "platform, follower_username, followed_username",
    "fct_replies": "reply_id",
    "mutual_follows": "platform, username_a, username_b",
    "audience_overlap": "platform, target_a, target_b",
    "follower_changes": "snapshot_id",
    "account_metrics": "platform, username",
    "account_aliases": "platform, account_id, username",
    "int_account_identities": "platform, username",
    # Tables rebuilt whole each build, from the incremental ones: equal when those are.
    "target_change_rates": "platform, target_username",
    "refresh_plan": "platform, target_username",
    "expansion_candidates": "platform, username",
}
BOOKKEEPING = {"staged_at", "built_at"}  # when a row was staged, written: differ by construction
FLOAT_TOLERANCE = {"pagerank": 1e-9}


def _profile(name: str, rng: random.Random, batch: int) -> Interaction:
    return Interaction(username=name if rng.random() > 0.05 else name.upper(),  # case varies
                       display_name=f"{name} ({batch})", followers_count=rng.randrange(5000),
                       following_count=rng.randrange(900), verified=rng.random() < 0.1)


def _collection(data: Path, batch: int, rng: random.Random) -> None:
    """One collection: a followers and a following list of each target (but alpha in the
    third: its profile changes only in beta's followers list), and the posts."""
    at = T0 + timedelta(days=batch)
    everyone = PEOPLE + TARGETS
    for target in TARGETS:
        if target == "alpha" and batch == 2:
            continue  # not collected again: only beta's list below shows its new profile
        if target == "quiet":
            followers, following = [], []
        elif target == "gamma" and batch == 1:
            followers, following = [], rng.sample(everyone, 8)  # every follower left
        else:
            followers = rng.sample(everyone, rng.randrange(20, 60))
            following = rng.sample(everyone, rng.randrange(5, 25))
            if target == "beta" and "alpha" not in followers:
                followers.append("alpha")
        cut = target == "delta" and batch == 2  # reached max_results: a lower bound
        write_edge_snapshot(data, "followers", "twitter", target,
                            [_profile(u, rng, batch) for u in followers if u != target or cut],
                            at + timedelta(minutes=TARGETS.index(target)),
                            max_results=len(followers) if cut else 1000, truncated=cut)
        write_edge_snapshot(data, "following", "twitter", target,
                            [_profile(u, rng, batch) for u in following if u != target], at)
    # The same account on the other platform: one graph per platform.
    write_edge_snapshot(data, "followers", "instagram", "alpha",
                        [_profile(u, rng, batch) for u in rng.sample(PEOPLE, 15)], at)
    for tweet_id, author in POSTS.items():
        replies = [Interaction(username=u, reply_text=f"reply {batch}",
                               reply_date=(at - timedelta(hours=i)).isoformat())
                   for i, u in enumerate(rng.sample(PEOPLE, rng.randrange(0, 6)))]
        write_replies_snapshot(data, "twitter", tweet_id, author, replies, at)
    if batch == 2:  # a lookup resumed late: landed now, taken before the previous collection
        write_edge_snapshot(data, "followers", "twitter", "beta",
                            [_profile(u, rng, batch) for u in rng.sample(PEOPLE, 30)],
                            at - timedelta(days=1, hours=5))


def _rows(warehouse: Path, table: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as db:
        relation = db.sql(f"select * from {table} order by {TABLES[table]}")
        return relation.columns, relation.fetchall()


def _compare(incremental: Path, full: Path, table: str) -> None:
    columns, got = _rows(incremental, table)
    full_columns, want = _rows(full, table)
    assert columns == full_columns, table
    assert len(got) == len(want), f"{table}: {len(got)} rows incremental, {len(want)} full"
    keep = [i for i, c in enumerate(columns) if c not in BOOKKEEPING]
    for got_row, want_row in zip(got, want):
        for i in keep:
            tolerance = FLOAT_TOLERANCE.get(columns[i])
            if tolerance is not None and got_row[i] is not None and want_row[i] is not None:
                assert got_row[i] == pytest.approx(want_row[i], abs=tolerance), (table, columns[i])
            else:
                assert got_row[i] == want_row[i], (table, columns[i], got_row, want_row)


def test_three_incremental_builds_equal_one_full_refresh(data_dir, tmp_path):
    """And a fourth build with nothing new staged changes nothing."""
    rng = random.Random(20261201)
    incremental = data_dir / "warehouse.duckdb"
    for batch in range(3):
        _collection(data_dir, batch, rng)
        result = run_dbt(["build"], data_dir)
        if batch:  # after the first, every model takes in only the new snapshots
            assert "incremental model" in result.stdout
    with duckdb.connect(str(incremental), read_only=True) as db:
        watermarks = dict(db.execute("select model_name, built_at from dbt_build_watermarks")
                          .fetchall())
    assert {"fct_follows", "dim_accounts", "audience_overlap"} <= set(watermarks)

    # A build with nothing new staged changes nothing.
    before = tmp_path / "before.duckdb"
    shutil.copyfile(incremental, before)
    run_dbt(["build"], data_dir)
    for table in TABLES:
        _compare(incremental, before, table)

    full = tmp_path / "full.duckdb"
    run_dbt(["build", "--full-refresh"], data_dir, extra_env={"SOCIAL_WAREHOUSE": str(full)})
    for table in TABLES:
        _compare(incremental, full, table)

    # The scenario reached the cases it is about.
    with duckdb.connect(str(full), read_only=True) as db:
        assert db.execute("select count(*) from follower_changes where is_lower_bound"
                          ).fetchone()[0] >= 1
        assert db.execute("select count(*) from int_snapshots where row_count = 0 and "
                          "target_username = 'gamma'").fetchone()[0] == 1
        assert db.execute("select count(*) from mutual_follows").fetchone()[0] >= 1
        assert db.execute("select count(*) from fct_follows where not is_current"
                          ).fetchone()[0] >= 1
