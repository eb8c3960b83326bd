"""A target's followers read twice: the second build reports exactly who came and who went,
and only the edges of the latest list that could show them stay current."""

from datetime import datetime, timezone

from .conftest import query, run_dbt, write_edge_snapshot

FIRST = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
SECOND = datetime(2024, 5, 8, 9, 0, tzinfo=timezone.utc)


def test_a_second_snapshot_reports_gained_and_lost_and_moves_is_current(data_dir):
    first = {f"fan_{i:02d}" for i in range(40)}
    second = (first - {"fan_03", "fan_17", "fan_22", "fan_39"}) | {"late_1", "late_2", "Late_3"}

    write_edge_snapshot(data_dir, "followers", "twitter", "janedoe", sorted(first), FIRST, "r1")
    # bob is in alice's followers list ...
    write_edge_snapshot(data_dir, "followers", "twitter", "alice", ["bob", "carol"], FIRST)
    run_dbt(["run"], data_dir)
    assert query(data_dir, "select gained, lost, net, previous_snapshot_at from "
                 "follower_changes where target_username = 'janedoe'") == [(40, 0, 40, None)]
    assert query(data_dir, "select count(*) from fct_follows where is_current") == [(42,)]

    write_edge_snapshot(data_dir, "followers", "twitter", "janedoe", sorted(second), SECOND, "r2")
    # ... and a week later bob's own following list no longer names alice.
    write_edge_snapshot(data_dir, "following", "twitter", "bob", ["dave"], SECOND)
    run_dbt(["build"], data_dir)

    changes = query(data_dir, "select request_id, gained, lost, net, previous_snapshot_at "
                    "from follower_changes where target_username = 'janedoe' "
                    "order by snapshot_at")
    second_lower = {u.lower() for u in second}
    assert changes == [
        ("r1", 40, 0, 40, None),
        ("r2", len(second_lower - first), len(first - second_lower),
         len(second_lower) - len(first), FIRST),
    ]
    follows = query(data_dir, "select follower_username, is_current, first_seen_at, "
                    "last_seen_at from fct_follows where followed_username = 'janedoe'")
    assert {u for u, current, *_ in follows if current} == second_lower
    assert {u for u, current, *_ in follows if not current} == first - second_lower
    stale = {u: (first_seen, last_seen) for u, current, first_seen, last_seen in follows
             if not current}
    assert stale["fan_03"] == (FIRST, FIRST)
    kept = {u: (f, last) for u, current, f, last in follows if current}
    assert kept["fan_00"] == (FIRST, SECOND) and kept["late_3"] == (SECOND, SECOND)

    # bob -> alice is not current (bob's newer following list decides), carol -> alice, never
    # re-read, still is.
    assert set(query(data_dir, "select follower_username, followed_username, is_current "
                     "from fct_follows where 'janedoe' not in (follower_username, "
                     "followed_username)")) == {("bob", "alice", False),
                                                ("carol", "alice", True),
                                                ("bob", "dave", True)}
