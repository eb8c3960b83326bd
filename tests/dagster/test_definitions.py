"""The code location loads, and the refresh schedules request what the target list asks for."""

from datetime import datetime, timezone

import dagster as dg
import pytest

from resources.target_list import TargetListResource
from social_graph.definitions import build_definitions, defs
from tests.dagster.conftest import run_keys


def test_the_code_location_loads():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"followers", "following", "repliers", "dim_accounts", "fct_follows", "fct_replies",
            "mutual_follows", "audience_overlap", "follower_changes", "account_metrics"} <= keys


def test_lineage_runs_from_the_raw_assets_through_dbt():
    graph = defs.resolve_asset_graph()
    for asset in ("followers", "following", "repliers"):
        staging = dg.AssetKey(f"stg_nyne__{asset}")
        # The raw asset, and the manifest's staging (which snapshots there are to stage).
        assert graph.get(staging).parent_keys == {dg.AssetKey(asset),
                                                  dg.AssetKey("stg_nyne__snapshots")}
    assert graph.get(dg.AssetKey("stg_nyne__snapshots")).parent_keys == {
        dg.AssetKey("snapshot_manifest")}
    checks = {k.name for k in graph.asset_check_keys}
    assert any(name.startswith("unique") for name in checks)
    assert any("relationships" in name for name in checks)


def test_the_refresh_cron_is_configurable():
    schedule = build_definitions("0 3 * * *").resolve_schedule_def("refresh_accounts_schedule")
    assert schedule.cron_schedule == "0 3 * * *"
    assert defs.resolve_schedule_def("refresh_posts_schedule").cron_schedule == "0 6 * * 1"


def test_the_weekly_refresh_covers_registered_partitions_still_in_the_list(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("targets:\n"
                    "  - url: https://x.com/janedoe\n"
                    "  - url: https://www.instagram.com/jane.doe/\n"
                    "    collect: following\n")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("accounts", ["tw_janedoe", "ig_jane.doe", "tw_removed"])
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=datetime(2026, 11, 30, 6, tzinfo=timezone.utc),
            resources={"target_list": TargetListResource(path=str(path))})
        requests = defs.resolve_schedule_def("refresh_accounts_schedule")(context)
    # One run for the contiguous range of listed keys; tw_removed, no longer listed, is left out.
    assert [run_keys(r, ["tw_janedoe", "ig_jane.doe", "tw_removed"]) for r in requests] == [
        ("accounts_job", ("tw_janedoe", "ig_jane.doe"))]
    assert requests[0].tags["social/refresh"] == "scheduled"


def test_run_config_for_the_api_needs_no_credentials():
    # The check the webserver and the backfill daemon make (against the job's snapshot, not
    # the Python objects): a launchpad config of one API setting used to fail with
    # "Missing required config entries ['api_key', 'api_secret']".
    from dagster._config import validate_config_from_snap
    from dagster._core.snap import JobSnap

    config = {"resources": {"nyne": {"config": {"max_results": 50, "poll_interval_s": 1.0}}}}
    for job in ("accounts_job", "posts_job", "__ASSET_JOB"):
        snap = JobSnap.from_job_def(defs.resolve_job_def(job))
        result = validate_config_from_snap(snap.config_schema_snapshot,
                                           snap.mode_def_snaps[0].root_config_key, config)
        assert result.success, (job, [e.message for e in result.errors])


def test_a_run_configured_in_run_config_takes_the_credentials_from_the_environment(
        sim, storage, monkeypatch, tmp_path):
    monkeypatch.setenv("NYNE_BASE_URL", sim.url)
    monkeypatch.setenv("NYNE_API_KEY", sim.config.api_key)
    monkeypatch.setenv("NYNE_API_SECRET", sim.config.api_secret)
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("accounts", ["tw_nasa"])
        result = defs.resolve_job_def("accounts_job").execute_in_process(
            instance=instance, partition_key="tw_nasa", run_config={"resources": {
                "nyne": {"config": {"max_results": 50, "poll_interval_s": 0.02,
                                    "poll_max_interval_s": 0.1}},
                "storage": {"config": {"data_dir": str(storage.root())}},
                "target_list": {"config": {"path": str(tmp_path / "none.yaml")}}}})
        assert result.success
        rows = {e.materialization.asset_key.to_user_string():
                e.materialization.metadata["dagster/row_count"].value
                for e in result.get_asset_materialization_events()}
        assert rows["followers"] == 50  # the run's config was applied
        stored = instance.get_run_by_id(result.run_id)
        assert sim.config.api_key not in str(stored.run_config)
        assert sim.config.api_secret not in str(stored.run_config)


def test_missing_credentials_name_the_variables_not_their_values(monkeypatch):
    from resources.nyne_api import NyneApi

    monkeypatch.delenv("NYNE_API_KEY", raising=False)
    monkeypatch.setenv("NYNE_API_SECRET", "s3cret-value")
    with pytest.raises(ValueError, match=r"\$NYNE_API_KEY") as caught:
        NyneApi().credentials()
    assert "s3cret-value" not in str(caught.value) and "NYNE_API_SECRET" not in str(caught.value)
