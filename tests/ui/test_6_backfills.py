"""Backfills of followers launched from the UI by clicks (see backfills.py): three adjacent
partitions make one run, two partitions with a gap one run per contiguous range."""

from __future__ import annotations

import pytest

from tests.ui import readers as read
from tests.ui.contract import FOLLOWERS_ONLY

pytestmark = pytest.mark.timeout(900)


def _contiguous_ranges(picked: list[str], order: list[str]) -> int:
    positions = sorted(order.index(k) for k in picked)
    return 1 + sum(1 for a, b in zip(positions, positions[1:]) if b != a + 1)


def _check_backfill(stack, result: dict, name: str) -> tuple[dict, list[str], list[str]]:
    """The assertions both backfills share; returns (backfill, picked, picker order)."""
    gql = stack.gql
    backfill_id, picked, order = result["launched"][name]
    done = result["done"][name]
    assert not result["errors"], f"errors in the browser: {result['errors']}"
    assert order == read.partition_keys(gql, "followers"), (
        f"picker order {order} is not the partition order {read.partition_keys(gql, 'followers')}")
    runs = done["runs"]
    assert all(r["status"] == "SUCCESS" for r in runs), read.describe_runs(gql, runs)
    assert done["status"] in {"COMPLETED_SUCCESS", "COMPLETED"}, (
        f"backfill {done['status']}: {done['error']} {read.describe_runs(gql, runs)}")
    made = set().union(*(read.materialized_by(r) for r in runs))
    assert {p for a, p in made if a == "followers"} == set(picked), (
        f"backfill {backfill_id} of {picked} materialized {sorted(made)}")
    # Materialize on the followers page buys following too: one lookup, both lists, also for
    # an account whose row collects followers alone (Dagster asked for both assets).
    got = {p for a, p in made if a == "following"}
    assert got == set(picked), f"following not materialized for {sorted(set(picked) - got)}"
    assert not result["others"], (
        f"followers materialized meanwhile by runs outside the backfills: {result['others']}")
    return done, picked, order


def test_backfill_of_three_adjacent_partitions_picked_by_clicks(stack, ui_backfills):
    done, picked, order = _check_backfill(stack, ui_backfills, "adjacent")
    runs = done["runs"]
    assert len(runs) == 1, (
        f"{len(runs)} runs for one contiguous range: {read.describe_runs(stack.gql, runs)}")
    assert set(picked) & FOLLOWERS_ONLY, f"{picked} has no followers-only account to try"


def test_backfill_of_two_non_adjacent_partitions_picked_by_clicks(stack, ui_backfills, report):
    done, picked, order = _check_backfill(stack, ui_backfills, "gap")
    runs = done["runs"]
    ranges = _contiguous_ranges(picked, order)
    report["backfill_gap"]["contiguous_ranges"] = ranges
    print(f"backfill of {picked} (picker order {order}): {len(runs)} run(s) for {ranges} "
          f"contiguous range(s); backfill status {done['status']}")
    # Dagster 1.13's backfill daemon makes one run per contiguous range of the partition
    # order for a single-run backfill policy (dagster-io/dagster#32335).
    assert len(runs) == ranges, f"{len(runs)} runs for {ranges} contiguous ranges"
