"""The target list sensor, evaluated with Dagster's sensor test contexts."""

import dagster as dg
import pytest

from resources.target_list import TargetListResource
from sensors.target_list import target_list_sensor
from social_graph.definitions import defs
from tests.dagster.conftest import run_keys

TARGETS = """\
targets:
  - url: https://x.com/janedoe
  - platform: instagram
    username: "@Jane.Doe"
    collect: [followers]
  - url: https://x.com/janedoe/status/1790000000000000001
  - url: https://facebook.com/someone
"""


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def _tick(instance, path, cursor=None, prune=False):
    resource = TargetListResource(path=str(path), prune_removed=prune)
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"target_list": resource})
    return target_list_sensor(context)


def _apply(instance, result):
    for request in result.dynamic_partitions_requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)


def test_new_rows_become_partitions_and_one_run_per_partition_set(instance, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    result = _tick(instance, path)
    adds = {r.partitions_def_name: r.partition_keys for r in result.dynamic_partitions_requests}
    # In the list's order, side by side: one contiguous range per partition set.
    assert adds == {"accounts": ["tw_janedoe", "ig_jane.doe"], "posts": ["tw_1790000000000000001"]}
    runs = {run_keys(r, adds[r.job_name.removesuffix("_job")]) for r in result.run_requests}
    # What each key collects (ig_jane.doe: followers only) is the assets' to read from the list:
    # it no longer splits the batch.
    assert runs == {("accounts_job", ("tw_janedoe", "ig_jane.doe")),
                    ("posts_job", ("tw_1790000000000000001",))}
    assert all(r.asset_selection is None for r in result.run_requests)


def test_a_batch_of_new_rows_is_one_run_however_many(instance, tmp_path):
    path = tmp_path / "targets.yaml"
    names = [f"user_{i:02d}" for i in range(11)]
    path.write_text("targets:\n" + "".join(f"  - url: https://x.com/{n}\n" for n in names))
    result = _tick(instance, path)
    (request,) = result.run_requests
    assert run_keys(request, [f"tw_{n}" for n in names]) == (
        "accounts_job", tuple(f"tw_{n}" for n in names))


def test_keys_with_a_run_in_flight_split_the_batch_around_them(instance, tmp_path):
    path = tmp_path / "targets.yaml"
    names = ["a_one", "b_two", "c_three", "d_four"]
    path.write_text("targets:\n" + "".join(f"  - url: https://x.com/{n}\n" for n in names))
    keys = [f"tw_{n}" for n in names]
    instance.add_dynamic_partitions("accounts", keys)
    # b_two is being collected by a run in flight: it is not requested again.
    instance.create_run_for_job(defs.resolve_job_def("accounts_job"),
                                status=dg.DagsterRunStatus.STARTED,
                                tags={"dagster/partition": "tw_b_two"})
    result = _tick(instance, path)
    runs = sorted(run_keys(r, keys) for r in result.run_requests)
    assert runs == [("accounts_job", ("tw_a_one",)), ("accounts_job", ("tw_c_three", "tw_d_four"))]


def test_the_daemons_validation_accepts_runs_for_partitions_added_in_the_same_tick(
        instance, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    context = dg.build_sensor_context(
        instance=instance, instance_ref=instance.get_ref(), definitions=defs,
        resources={"target_list": TargetListResource(path=str(path))})
    data = defs.resolve_sensor_def("target_list_sensor").evaluate_tick(context)
    ranges = {(r.tags.get("dagster/asset_partition_range_start"),
               r.tags.get("dagster/asset_partition_range_end"), r.tags.get("dagster/partition"))
              for r in data.run_requests}
    assert ranges == {("tw_janedoe", "ig_jane.doe", None),
                      (None, None, "tw_1790000000000000001")}


def test_an_unchanged_file_is_skipped_without_reading_the_instance(instance, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    first = _tick(instance, path)
    _apply(instance, first)
    second = _tick(instance, path, cursor=first.cursor)
    assert isinstance(second, dg.SkipReason)
    assert "unchanged" in second.skip_message


def test_an_added_row_requests_a_run_for_the_new_partition_only(instance, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    first = _tick(instance, path)
    _apply(instance, first)
    path.write_text(TARGETS + "  - url: https://x.com/dagster_io\n")
    second = _tick(instance, path, cursor=first.cursor)
    # The first tick's runs have not materialized anything yet, but they are not in flight on
    # this test instance either: only the new row is new.
    order = ["tw_janedoe", "ig_jane.doe", "tw_dagster_io"]
    covered = [run_keys(r, order) for r in second.run_requests]
    assert [c for c in covered if "tw_dagster_io" in c[1]] == [("accounts_job", tuple(order))]
    adds = [k for r in second.dynamic_partitions_requests for k in r.partition_keys]
    assert adds == ["tw_dagster_io"]


def test_rejected_rows_are_named_and_the_good_rows_still_go_on(instance, tmp_path, capfd):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    result = _tick(instance, path)
    assert len(result.run_requests) == 2  # the two accounts in one run, the post in another
    # The tick's log (shown in the UI's tick history) goes through Dagster's log handlers.
    warnings = [line for line in capfd.readouterr().err.splitlines()
                if "WARNING" in line and "rejected" in line]
    assert len(warnings) == 1
    assert "row 7" in warnings[0] and "facebook.com" in warnings[0]


def test_an_unusable_file_fails_the_tick_and_names_the_file(instance, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("targets: {not: a list}\n")
    with pytest.raises(Exception, match="targets.yaml"):
        _tick(instance, path)


def test_a_missing_file_is_a_skip_that_names_the_path(instance, tmp_path):
    result = _tick(instance, tmp_path / "nope.yaml")
    assert isinstance(result, dg.SkipReason) and "nope.yaml" in result.skip_message


def test_a_removed_row_keeps_its_partition_unless_pruning_is_on(instance, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    _apply(instance, _tick(instance, path))
    path.write_text("targets:\n  - url: https://x.com/janedoe\n")
    kept = _tick(instance, path)
    assert not [r for r in kept.dynamic_partitions_requests
                if isinstance(r, dg.DeleteDynamicPartitionsRequest)]
    pruned = _tick(instance, path, prune=True)
    deletes = {r.partitions_def_name: r.partition_keys for r in pruned.dynamic_partitions_requests
               if isinstance(r, dg.DeleteDynamicPartitionsRequest)}
    assert deletes == {"accounts": ["ig_jane.doe"], "posts": ["tw_1790000000000000001"]}
