"""The target list sensor's first tick registers the list and collects it in two runs."""

from __future__ import annotations

import pytest

from tests.ui import readers as read
from tests.ui.contract import ACCOUNTS, BOTH_LISTS, COLLECTION_JOBS, FOLLOWERS_ONLY, POSTS

pytestmark = pytest.mark.timeout(900)


def _covered(run: dict, order: list[str]) -> set[str]:
    """The partition keys a run covers: its partition, or its partition range in ``order``."""
    tags = read.tags_of(run)
    if "dagster/partition" in tags:
        return {tags["dagster/partition"]}
    start = tags.get("dagster/asset_partition_range_start")
    end = tags.get("dagster/asset_partition_range_end")
    if start in order and end in order:
        return set(order[order.index(start):order.index(end) + 1])
    return set()


def _materialized(gql, asset: str) -> set[str]:
    return set(read.partition_status(gql, asset)["materializedPartitions"])


def test_sensor_first_tick_registers_the_list_and_collects_it_in_two_runs(stack, first_batch,
                                                                          report):
    gql = stack.gql
    assert first_batch["error"] is None, first_batch["error"]
    tick = first_batch["tick"]
    assert tick["status"] == "SUCCESS", f"first tick {tick['status']}: {tick['error'] or tick['skipReason']}"

    added = {r["partitionsDefName"]: set(r["partitionKeys"] or [])
             for r in tick["dynamicPartitionsRequestResults"] if r["type"] == "ADD_PARTITIONS"}
    assert added == {"accounts": ACCOUNTS, "posts": POSTS}, added
    accounts_order = read.partition_keys(gql, "followers")
    assert set(accounts_order) == ACCOUNTS and len(accounts_order) == 7, accounts_order
    posts_order = read.partition_keys(gql, "repliers")
    assert set(posts_order) == POSTS and len(posts_order) == 3, posts_order

    runs = first_batch["runs"]
    report["first_tick"] = {
        "runs": [{"job": r["jobName"], "status": r["status"], "tags": read.tags_of(r),
                  "assetSelection": r["assetSelection"]} for r in runs],
        "accounts_order": accounts_order}
    by_job = {job: read.runs(gql, job, tags={"dagster/sensor_name": "target_list_sensor"})
              for job in COLLECTION_JOBS}
    counts = {job: len(rs) for job, rs in by_job.items()}
    assert len(runs) == 2 and counts == {"accounts_job": 1, "posts_job": 1}, (
        f"the first batch took {len(runs)} run(s) in its first tick, runs by job {counts}: "
        f"{read.describe_runs(gql, [r for rs in by_job.values() for r in rs])}")

    accounts_run, posts_run = by_job["accounts_job"][0], by_job["posts_job"][0]
    tags = read.tags_of(accounts_run)
    assert {"dagster/asset_partition_range_start", "dagster/asset_partition_range_end"} <= set(tags), tags
    assert _covered(accounts_run, accounts_order) == ACCOUNTS, tags
    assert _covered(posts_run, posts_order) == POSTS, read.tags_of(posts_run)
    assert all(r["status"] == "SUCCESS" for r in runs), read.describe_runs(gql, runs)

    assert _materialized(gql, "followers") == ACCOUNTS
    assert _materialized(gql, "following") == BOTH_LISTS, (
        f"following: the {len(BOTH_LISTS)} accounts that collect both lists, not "
        f"{sorted(FOLLOWERS_ONLY)}")
    assert _materialized(gql, "repliers") == POSTS
