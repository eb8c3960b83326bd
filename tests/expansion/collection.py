"""A small collection whose expansion ranking is worked out by hand below, written where the
Dagster assets write (Parquet snapshots and manifest rows), for a real ``dbt build``.

Targets (collected): twitter alice, bob, carol; instagram jane.doe. Every current edge has a
target at one end, so a candidate's signals are its ties to them:

| candidate | followed by targets | follows targets | score 2*in + out | why it ranks there |
|---|---|---|---|---|
| tw p1     | alice, bob, carol (3) | -                  | 6 | best score |
| tw x1     | alice (1)             | alice, bob, carol (3) | 5 | mutual with alice |
| tw p2     | alice, carol (2)      | -                  | 4 | ties x2; two targets pass it rank |
| tw x2     | carol (1)             | alice, bob (2)     | 4 | one target passes it rank |
| ig ig_a   | jane.doe (1)          | jane.doe (1)       | 3 | mutual with jane.doe |
| ig ig_b   | -                     | jane.doe (1)       | 1 | the smaller graph's higher base rank |
| tw z9     | -                     | carol (1)          | 1 | same rank as x3, 500 profile followers |
| tw x3     | -                     | alice (1)          | 1 | 50 profile followers |

``gone`` followed alice in her first followers list only: no longer a current edge, never a
candidate. ``bob`` is in alice's followers but is a target: never a candidate.
"""

from datetime import datetime, timezone

from resources.nyne import Interaction
from tests.dbt.conftest import write_edge_snapshot

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 11, 9, 6, 0, tzinfo=timezone.utc)

X3 = Interaction(username="x3", followers_count=50)
Z9 = Interaction(username="z9", followers_count=500)

# (platform, username, score, followed_by_targets, follows_targets, mutual_targets)
EXPECTED = [
    ("twitter", "p1", 6.0, 3, 0, 0),
    ("twitter", "x1", 5.0, 1, 3, 1),
    ("twitter", "p2", 4.0, 2, 0, 0),
    ("twitter", "x2", 4.0, 1, 2, 0),
    ("instagram", "ig_a", 3.0, 1, 1, 1),
    ("instagram", "ig_b", 1.0, 0, 1, 0),
    ("twitter", "z9", 1.0, 0, 1, 0),
    ("twitter", "x3", 1.0, 0, 1, 0),
]
EXPECTED_KEYS = [("tw_" if p == "twitter" else "ig_") + u for p, u, *_ in EXPECTED]


def write_collection(root) -> None:
    """Every lookup of the collection above into the data dir ``root``."""
    lists = [
        ("followers", "twitter", "alice", ["x1", "x2", X3, "bob", "gone"], T0, "req_alice_0"),
        ("followers", "twitter", "alice", ["x1", "x2", X3, "bob"], T1, "req_alice_1"),
        ("following", "twitter", "alice", ["p1", "p2", "x1"], T1, "req_alice_1"),
        ("followers", "twitter", "bob", ["x1", "x2"], T1, "req_bob"),
        ("following", "twitter", "bob", ["p1", "alice"], T1, "req_bob"),
        ("followers", "twitter", "carol", ["x1", Z9], T1, "req_carol"),
        ("following", "twitter", "carol", ["p1", "p2", "x2"], T1, "req_carol"),
        ("followers", "instagram", "jane.doe", ["ig_a", "ig_b"], T1, "req_jane"),
        ("following", "instagram", "jane.doe", ["ig_a"], T1, "req_jane"),
    ]
    for asset, platform, target, usernames, at, request_id in lists:
        # One request id per list: a snapshot's manifest file is named by it.
        write_edge_snapshot(root, asset, platform, target, usernames, at, f"{request_id}_{asset}")
