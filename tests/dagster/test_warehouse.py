"""The warehouse rebuild: when ``warehouse_sensor`` asks for it, and what a failing build keeps.

The sensor is evaluated with Dagster's sensor test context on a real (SQLite) instance; the
build is the real ``warehouse_job`` (dbt build on DuckDB, then the export) on real Parquet.
"""

from datetime import datetime, timezone

import dagster as dg
import pytest

from resources.nyne import Interaction
from sensors.warehouse import warehouse_sensor
from social_graph.definitions import defs
from tests.dbt.conftest import write_edge_snapshot, write_replies_snapshot

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def _tick(instance, cursor=None):
    return warehouse_sensor(dg.build_sensor_context(instance=instance, cursor=cursor))


def _landed(instance, asset="followers", key="tw_janedoe"):
    instance.add_dynamic_partitions("accounts" if asset != "repliers" else "posts", [key])
    instance.report_runless_asset_event(dg.AssetMaterialization(asset, partition=key))


def _run_in_flight(instance, job_name, assets=()):
    job = defs.resolve_job_def(job_name)
    return instance.create_run_for_job(
        job, status=dg.DagsterRunStatus.STARTED,
        asset_selection=frozenset(dg.AssetKey(a) for a in assets) or None)


def test_nothing_collected_is_nothing_to_build(instance):
    result = _tick(instance)
    assert isinstance(result, dg.SkipReason) and "nothing collected" in result.skip_message


def test_new_snapshots_request_one_build_and_then_nothing_more(instance):
    _landed(instance)
    _landed(instance, "repliers", "tw_1786123456789012345")
    first = _tick(instance)
    (request,) = first.run_requests
    assert request.job_name in (None, "warehouse_job")
    second = _tick(instance, cursor=first.cursor)
    assert isinstance(second, dg.SkipReason)
    _landed(instance, "following", "tw_janedoe")
    third = _tick(instance, cursor=first.cursor)
    assert len(third.run_requests) == 1
    assert third.run_requests[0].run_key != request.run_key


def test_the_build_waits_for_the_collection_runs_in_flight(instance):
    # The sensor's first batch: one collection run finished, another still running. Building
    # now would build twice; the sensor waits for the second and builds once.
    _landed(instance)
    # As the target list sensor launches it: a job run with no asset selection of its own.
    running = _run_in_flight(instance, "accounts_job")
    waiting = _tick(instance)
    assert isinstance(waiting, dg.SkipReason) and "1 collection run" in waiting.skip_message
    instance.report_run_failed(running)
    posts = _run_in_flight(instance, "posts_job")
    assert isinstance(_tick(instance), dg.SkipReason)
    instance.report_run_failed(posts)
    assert len(_tick(instance).run_requests) == 1


def test_a_ui_backfill_run_counts_as_a_collection_in_flight(instance):
    # Runs launched from the UI run Dagster's implicit asset job: told apart by their assets.
    _landed(instance)
    job = defs.resolve_implicit_global_asset_job_def()
    instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED,
                                asset_selection=frozenset({dg.AssetKey("repliers")}))
    assert isinstance(_tick(instance), dg.SkipReason)


def test_no_second_build_while_one_is_in_flight(instance):
    _landed(instance)
    _run_in_flight(instance, "warehouse_job")
    result = _tick(instance)
    assert isinstance(result, dg.SkipReason) and "warehouse build" in result.skip_message


def test_a_failing_build_records_what_dbt_built_and_names_what_failed(
        instance, tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
    # A followers snapshot whose platform the staging tests refuse (accepted_values): its test
    # fails, and dbt skips the models downstream of it: every mart, fct_replies too (accounts
    # are keyed through the identities of every list). The other staging models build.
    write_edge_snapshot(data, "followers", "myspace", "janedoe", ["a", "b"], T0)
    write_replies_snapshot(data, "twitter", "1786123456789012345", "janedoe",
                           [Interaction(username="c", reply_text="hi", reply_date="2026-11-01T10:00:00Z")], T0)
    job = defs.resolve_job_def("warehouse_job")
    result = job.execute_in_process(
        instance=instance, raise_on_error=False,
        run_config={**QUIET, "resources": {"storage": {"config": {"data_dir": str(data)}}}})
    assert not result.success
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"stg_nyne__followers", "stg_nyne__repliers", "stg_nyne__snapshots"} <= built
    assert not {"fct_follows", "fct_replies", "social_graph_export"} & built
    failure = result.get_step_failure_events()[0].step_failure_data
    description = failure.user_failure_data.description
    assert "accepted_values" in description and "did not pass" in description
    assert "model.social_graph.fct_follows: skipped" in description
    # What was built is in the instance, so the UI shows it as materialized.
    assert instance.get_latest_materialization_event(dg.AssetKey("stg_nyne__repliers")) is not None


def test_a_build_while_another_holds_the_warehouse_fails_at_once_naming_it(
        instance, tmp_path, monkeypatch):
    """The `warehouse` pool runs one build at a time; a second one started anyway (a pool
    raised by hand, another instance on the same data dir) stops before dbt, saying why, and
    leaves the build file of the one running alone."""
    from social_assets.publish import build_lock, build_path

    data = tmp_path / "data"
    monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
    write_edge_snapshot(data, "followers", "twitter", "janedoe", ["a", "b"], T0)
    published = data / "warehouse.duckdb"
    build = build_path(published)
    build.write_bytes(b"the other build's file")
    job = defs.resolve_job_def("warehouse_job")
    with build_lock(published):
        result = job.execute_in_process(
            instance=instance, raise_on_error=False,
            run_config={**QUIET, "resources": {"storage": {"config": {"data_dir": str(data)}}}})
    assert not result.success
    description = result.get_step_failure_events()[0].step_failure_data.user_failure_data.description
    assert "another process is building the warehouse" in description
    assert str(published) in description
    assert build.read_bytes() == b"the other build's file" and not published.exists()
