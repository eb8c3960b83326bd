"""Planning: which partitions to add and which (partition, assets) runs to launch."""

from social_assets.plan import (PlannedRun, contiguous_batches, partitions_to_add,
                                partitions_to_delete, plan_runs)
from social_assets.targets import parse_targets

LIST = parse_targets(
    "targets:\n"
    "  - url: https://x.com/a_one\n"
    "  - {platform: twitter, username: b_two, collect: [followers]}\n"
    "  - url: https://x.com/c_three\n"
    "  - url: https://x.com/i/web/status/1234567890123\n"
)


def test_new_keys_are_registered_side_by_side_in_the_lists_order():
    adds = partitions_to_add(LIST, {"accounts": ["tw_c_three"]})
    assert adds == {"accounts": ["tw_a_one", "tw_b_two"], "posts": ["tw_1234567890123"]}


def test_only_never_materialized_assets_are_planned_unless_refreshing():
    materialized = {"followers": {"tw_a_one", "tw_b_two"}, "following": {"tw_a_one"}}
    runs = plan_runs(LIST.targets, materialized)
    assert runs == [PlannedRun("accounts", "tw_c_three", ("followers", "following")),
                    PlannedRun("posts", "tw_1234567890123", ("repliers",))]
    assert len(plan_runs(LIST.targets, materialized, refresh=True)) == 4


def test_batches_are_contiguous_ranges_whatever_each_key_collects():
    order = {"accounts": ["tw_a_one", "tw_b_two", "tw_c_three", "tw_d", "tw_e"], "posts": []}
    ff, f = ("followers", "following"), ("followers",)
    runs = [PlannedRun("accounts", "tw_d", ff), PlannedRun("accounts", "tw_b_two", f),
            PlannedRun("accounts", "tw_a_one", ff), PlannedRun("accounts", "tw_e", ff)]
    batches = [[r.partition_key for r in b] for b in contiguous_batches(runs, order)]
    # tw_c_three needs nothing: the gap splits the keys into two ranges.
    assert batches == [["tw_a_one", "tw_b_two"], ["tw_d", "tw_e"]]


def test_pruning_names_the_registered_keys_no_longer_listed():
    registered = {"accounts": ["tw_a_one", "tw_gone"], "posts": ["tw_1234567890123"]}
    assert partitions_to_delete(LIST, registered) == {"accounts": ["tw_gone"]}
