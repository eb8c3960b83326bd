"""The benchmark's synthetic collection (benchmarks/synthetic.py) looks like what the API
returns: lists whose members are distinct but for a few repeated rows, no list naming its own
target, the sizes adding up to what was asked, refreshed lists that keep most members."""

import duckdb
import numpy as np
import pytest

from benchmarks.synthetic import CHURN, DUPLICATE_SHARE, _split, generate


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    raw = tmp_path_factory.mktemp("synthetic") / "raw"
    return raw, generate(raw, edges=60_000, targets=60, seed=3)


def _rows(raw, asset):
    return duckdb.sql(f"""
        select target_username, request_id, username, fetched_at
        from read_parquet('{raw}/{asset}/**/*.parquet')
    """).fetchall()


def test_the_lists_add_up_to_the_rows_asked_for_plus_the_repeats(collection):
    raw, written = collection
    assert written.rows == len(_rows(raw, "followers")) + len(_rows(raw, "following"))
    assert 60_000 <= written.rows <= 60_000 * (1 + 3 * DUPLICATE_SHARE)


@pytest.mark.parametrize("asset", ["followers", "following"])
def test_a_list_holds_each_member_once_but_for_a_few_repeats(collection, asset):
    raw, _ = collection
    rows = _rows(raw, asset)
    distinct = {(request_id, username) for _, request_id, username, _ in rows}
    repeated = len(rows) - len(distinct)
    assert 0 < repeated <= 3 * DUPLICATE_SHARE * len(rows)
    assert not [row for row in rows if row[0] == row[2]]  # nobody lists themselves


def test_a_refreshed_followers_list_keeps_most_of_its_members(collection):
    raw, _ = collection
    lists = {}
    for target, _, username, fetched_at in _rows(raw, "followers"):
        lists.setdefault(target, {}).setdefault(fetched_at, set()).add(username)
    refreshed = [sorted(by_time.items()) for by_time in lists.values() if len(by_time) == 2]
    assert refreshed
    for (_, first), (_, second) in refreshed:
        assert len(second) == len(first)
        assert len(first - second) <= 3 * CHURN * len(first) + 3


def test_split_respects_the_caps_and_hands_on_what_they_cut():
    weights = np.array([100.0, 1.0, 1.0, 1.0])
    sizes = _split(1_000, weights, np.array([400, 1_000, 1_000, 1_000]))
    assert sizes.sum() == 1_000 and sizes[0] == 400 and (sizes[1:] == 200).all()
    assert _split(10, np.ones(3), np.array([2, 2, 2])).tolist() == [2, 2, 2]  # all capped
    assert _split(5, np.array([5.0, 1.0, 1.0]), np.full(3, 10)).sum() == 5
