"""The code location loads, and the refresh schedules request what the target list asks for."""

from datetime import datetime, timezone

import dagster as dg

from resources.target_list import TargetListResource
from social_assets.definitions import build_definitions, defs


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
        assert graph.get(staging).parent_keys == {dg.AssetKey(asset)}
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
    runs = {(r.partition_key, tuple(k.to_user_string() for k in r.asset_selection))
            for r in requests}
    assert runs == {("tw_janedoe", ("followers", "following")), ("ig_jane.doe", ("following",))}
