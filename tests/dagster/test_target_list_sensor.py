"""The target list sensor, evaluated with Dagster's sensor test contexts."""

import dagster as dg
import pytest

from resources.target_list import TargetListResource
from sensors.target_list import target_list_sensor
from social_assets.definitions import defs

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


def test_new_rows_become_partitions_and_runs_of_what_they_collect(instance, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    result = _tick(instance, path)
    adds = {r.partitions_def_name: r.partition_keys for r in result.dynamic_partitions_requests}
    assert adds == {"accounts": ["ig_jane.doe", "tw_janedoe"], "posts": ["tw_1790000000000000001"]}
    runs = {(r.job_name, r.partition_key, tuple(k.to_user_string() for k in r.asset_selection))
            for r in result.run_requests}
    assert runs == {("accounts_job", "tw_janedoe", ("followers", "following")),
                    ("accounts_job", "ig_jane.doe", ("followers",)),
                    ("posts_job", "tw_1790000000000000001", ("repliers",))}


def test_the_daemons_validation_accepts_runs_for_partitions_added_in_the_same_tick(
        instance, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    context = dg.build_sensor_context(
        instance=instance, instance_ref=instance.get_ref(), definitions=defs,
        resources={"target_list": TargetListResource(path=str(path))})
    data = defs.resolve_sensor_def("target_list_sensor").evaluate_tick(context)
    assert {r.tags["dagster/partition"] for r in data.run_requests} == {
        "tw_janedoe", "ig_jane.doe", "tw_1790000000000000001"}


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
    new = [r for r in second.run_requests if r.partition_key == "tw_dagster_io"]
    assert len(new) == 1
    adds = [k for r in second.dynamic_partitions_requests for k in r.partition_keys]
    assert adds == ["tw_dagster_io"]


def test_rejected_rows_are_named_and_the_good_rows_still_go_on(instance, tmp_path, capfd):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    result = _tick(instance, path)
    assert len(result.run_requests) == 3
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
