"""Definitions load in a test after two instances were exited out of order (the order a module
fixture's instance and a test's own can take): the stale-storage guard of tests/conftest.py."""

import gc

import dagster as dg

from social_graph.definitions import build_definitions


def test_1_leave_a_stale_defs_state_storage_current():
    outer = dg.DagsterInstance.local_temp()
    outer.__enter__()
    inner = dg.DagsterInstance.local_temp()
    inner.__enter__()
    outer.__exit__(None, None, None)
    inner.__exit__(None, None, None)  # makes outer's storage current again, outer disposed
    del outer, inner
    gc.collect()


def test_2_definitions_still_load():
    defs = build_definitions(dbt_target="postgres")
    assert defs.resolve_assets_def(dg.AssetKey(["postgres_raw", "followers"])) is not None
