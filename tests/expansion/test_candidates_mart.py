"""The ``expansion_candidates`` mart, built by dbt, against the ranking worked out by hand."""

from tests.dbt.conftest import query

from .collection import EXPECTED


def test_candidates_rank_as_computed_by_hand(built):
    rows = query(built, "select candidate_rank, platform, username, score, followed_by_targets, "
                        "follows_targets, mutual_targets from expansion_candidates "
                        "order by candidate_rank")
    assert [r[0] for r in rows] == list(range(1, len(EXPECTED) + 1))
    assert [tuple(r[1:]) for r in rows] == EXPECTED


def test_collected_targets_and_stale_followers_are_never_candidates(built):
    names = {u for (u,) in query(built, "select username from expansion_candidates")}
    assert not names & {"alice", "bob", "carol", "jane.doe", "gone"}


def test_ties_are_broken_by_pagerank_then_profile_followers(built):
    rows = dict(((u), (pr, fc)) for u, pr, fc in query(
        built, "select username, pagerank, followers_count from expansion_candidates"))
    assert rows["p2"][0] > rows["x2"][0]  # same score, more rank passed to p2
    assert rows["z9"][0] == rows["x3"][0] and rows["z9"][1] == 500 and rows["x3"][1] == 50
    assert not any(lower for (lower,) in query(
        built, "select signals_lower_bound from expansion_candidates"))
