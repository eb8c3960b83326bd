"""A small warehouse of the marts the export reads, built by hand in DuckDB (no dbt), and the
graph it must export, written out independently of the code under test."""

from datetime import datetime, timezone
from pathlib import Path

import duckdb

MARTS_DDL = """
create table dim_accounts (platform varchar, username varchar, display_name varchar,
    bio varchar, followers_count bigint, following_count bigint, is_verified boolean,
    first_seen_at timestamptz, last_seen_at timestamptz);
create table fct_follows (platform varchar, follower_username varchar,
    followed_username varchar, first_seen_at timestamptz, last_seen_at timestamptz,
    is_current boolean);
create table fct_replies (platform varchar, tweet_id varchar, target_username varchar,
    replier_username varchar, reply_text varchar, replied_at timestamptz);
create table mutual_follows (platform varchar, username_a varchar, username_b varchar);
create table account_metrics (platform varchar, username varchar, in_degree bigint,
    out_degree bigint, mutual_count bigint, pagerank double);
"""

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 11, 8, 6, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 11, 9, 12, 30, tzinfo=timezone.utc)
ALICE_NAME = "Alice \x07\U0001F680 <&> \"quoted\""  # a control char XML cannot hold, an emoji

ACCOUNTS = [
    ("twitter", "alice", ALICE_NAME, "bio", 1200, 3, True, T0, T1),
    ("twitter", "bob", "Bob", None, 10, 20, False, T0, T1),
    ("twitter", "carol", "Carol", None, 5, 5, None, T0, T1),
    ("twitter", "dave", None, None, None, None, None, T0, T0),
    ("twitter", "frank", "Frank", None, 1, 1, False, T0, T1),
    ("twitter", "gina", "Gina", None, 1, 1, False, T0, T1),
    ("instagram", "jane.doe", "Jane Doe", None, 115, 23, False, T0, T1),
    ("instagram", "natgeo", "National Geographic", None, 280_000_000, 150, True, T0, T1),
]
FOLLOWS = [
    ("twitter", "bob", "alice", T0, T1, True),
    ("twitter", "carol", "alice", T0, T1, True),
    ("twitter", "alice", "bob", T0, T1, True),
    ("twitter", "dave", "alice", T0, T0, False),  # unfollowed: not in the current graph
    ("twitter", "carol", "erin", T1, T1, True),  # erin has no dim_accounts row
    ("twitter", "frank", "gina", T0, T1, True),
    ("twitter", "gina", "frank", T0, T1, True),
    ("instagram", "jane.doe", "natgeo", T0, T1, True),
]
REPLIES = [
    ("twitter", "1001", "alice", "bob", "nice", T1),
    ("twitter", "1002", "alice", "bob", "again", T2),
    ("twitter", "1001", "alice", "dave", "hm", None),
    ("twitter", "1003", None, "carol", "who wrote this?", T1),  # author unknown: no edge
]
MUTUALS = [("twitter", "alice", "bob"), ("twitter", "frank", "gina")]
METRICS = [
    ("twitter", "alice", 2, 1, 1, 0.31),
    ("twitter", "bob", 1, 1, 1, 0.17),
    ("twitter", "carol", 0, 2, 0, 0.05),
    ("twitter", "erin", 1, 0, 0, 0.07),
    ("twitter", "frank", 1, 1, 1, 0.1),
    ("twitter", "gina", 1, 1, 1, 0.1),
    ("instagram", "jane.doe", 0, 1, 0, 0.05),
    ("instagram", "natgeo", 1, 0, 0, 0.15000000000000002),
]


def build_warehouse(path: Path, *, empty: bool = False) -> Path:
    """The marts at ``path`` (a DuckDB file), with the rows above or none at all."""
    with duckdb.connect(str(path)) as conn:
        conn.execute(MARTS_DDL)
        if not empty:
            for table, rows in (("dim_accounts", ACCOUNTS), ("fct_follows", FOLLOWS),
                                ("fct_replies", REPLIES), ("mutual_follows", MUTUALS),
                                ("account_metrics", METRICS)):
                marks = ", ".join("?" * len(rows[0]))
                conn.executemany(f"insert into {table} values ({marks})", rows)
    return path


def _node(platform, username, community, **attributes):
    return {"platform": platform, "username": username, "label": username,
            "community": community, **attributes}


# Communities: the four-account twitter cluster, then (ties by smallest id) the instagram
# pair, the frank/gina pair, and dave, whose only follow is no longer current.
EXPECTED_NODES = {
    "twitter:alice": _node("twitter", "alice", 0, display_name="Alice \\x07\U0001F680 <&> \"quoted\"",
                           followers_count=1200, following_count=3, is_verified=True,
                           in_degree=2, out_degree=1, mutual_count=1, pagerank=0.31),
    "twitter:bob": _node("twitter", "bob", 0, display_name="Bob", followers_count=10,
                         following_count=20, is_verified=False, in_degree=1, out_degree=1,
                         mutual_count=1, pagerank=0.17),
    "twitter:carol": _node("twitter", "carol", 0, display_name="Carol", followers_count=5,
                           following_count=5, in_degree=0, out_degree=2, mutual_count=0,
                           pagerank=0.05),
    "twitter:dave": _node("twitter", "dave", 3),
    "twitter:erin": _node("twitter", "erin", 0, in_degree=1, out_degree=0, mutual_count=0,
                          pagerank=0.07),
    "twitter:frank": _node("twitter", "frank", 2, display_name="Frank", followers_count=1,
                           following_count=1, is_verified=False, in_degree=1, out_degree=1,
                           mutual_count=1, pagerank=0.1),
    "twitter:gina": _node("twitter", "gina", 2, display_name="Gina", followers_count=1,
                          following_count=1, is_verified=False, in_degree=1, out_degree=1,
                          mutual_count=1, pagerank=0.1),
    "instagram:jane.doe": _node("instagram", "jane.doe", 1, display_name="Jane Doe",
                                followers_count=115, following_count=23, is_verified=False,
                                in_degree=0, out_degree=1, mutual_count=0, pagerank=0.05),
    "instagram:natgeo": _node("instagram", "natgeo", 1, display_name="National Geographic",
                              followers_count=280_000_000, following_count=150,
                              is_verified=True, in_degree=1, out_degree=0, mutual_count=0,
                              pagerank=0.15000000000000002),
}

_SEEN = {"first_seen_at": T0.isoformat(), "last_seen_at": T1.isoformat()}
EXPECTED_EDGES = {
    ("twitter:bob", "twitter:alice", "follows"): _SEEN,
    ("twitter:carol", "twitter:alice", "follows"): _SEEN,
    ("twitter:alice", "twitter:bob", "follows"): _SEEN,
    ("twitter:carol", "twitter:erin", "follows"): {"first_seen_at": T1.isoformat(),
                                                   "last_seen_at": T1.isoformat()},
    ("twitter:frank", "twitter:gina", "follows"): _SEEN,
    ("twitter:gina", "twitter:frank", "follows"): _SEEN,
    ("instagram:jane.doe", "instagram:natgeo", "follows"): _SEEN,
    ("twitter:bob", "twitter:alice", "replied_to"): {
        "replies": 2, "first_replied_at": T1.isoformat(), "last_replied_at": T2.isoformat()},
    ("twitter:dave", "twitter:alice", "replied_to"): {"replies": 1},
}
