"""Session set-up shared by every test folder."""

from pathlib import Path

import pytest

from social_assets.dbt_project import dbt_project

ROOT = Path(__file__).resolve().parents[1]


def pytest_sessionstart(session):
    # The code location loads the dbt manifest; `make test` parses the project first, a bare
    # `pytest` run does it here when the manifest is missing.
    if not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)


@pytest.fixture(autouse=True)
def _no_stale_defs_state_storage():
    """Each test starts without a defs-state storage of a collected instance as the current one.

    Dagster makes an instance's defs-state storage current when the instance is entered
    (a ContextVar set on ``__enter__``, reset on ``__exit__``). Two instances exited out of
    order (a module fixture's instance first entered inside a test that has its own) leave
    the first one's storage current after both are gone; the next test that loads
    definitions outside an instance then fails with "Attempted to resolve undefined
    DagsterInstance weakref" (seen in a full run, on whichever worker ran that order).
    """
    from dagster._core.storage.defs_state.base import DefsStateStorage, _current_storage

    storage = DefsStateStorage.get()
    ref = getattr(storage, "_instance_weakref", None)
    if storage is not None and ref is not None and ref() is None:
        _current_storage.set(None)
    yield


# Seconds each of the slowest groups took in a full run (2 workers, 2 cores, load about 1.5;
# tests/ui is the browser suite). `make test` runs the groups in this order, slowest first, then
# every other group in collection order: the short groups fill in at the end, where one long
# group started last would run alone for a minute or more. Re-measure with
# `pytest -n 2 --dist loadgroup --no-loadscope-reorder --durations=0`.
SLOWEST_GROUPS = {
    "tests/ui": 260,
    "tests/client/test_rate_limit_processes.py": 110,
    "tests/objectstore/test_store_outage.py": 55,
    "tests/objectstore/test_collect_s3.py": 45,
    "tests/dagster/test_pool_three_backfills.py": 40,
    "tests/warehouse/test_incremental_build.py": 85,
    "tests/warehouse/test_renames.py": 130,
    "tests/planning/test_adaptive_loop.py": 70,
    "tests/faults/test_odd_text.py": 76,
    "tests/dbt/test_incremental.py": 60,
    "tests/warehouse/test_readers.py": 58,
    "tests/dbt/test_pagerank_sparse.py": 56,
    "tests/dagster/test_collect_cli.py": 51,
    "tests/dbt/test_docs.py": 48,
    "tests/dbt/test_test_scope.py": 45,
    "tests/warehouse/test_snapshot_manifest.py": 43,
    "tests/warehouse/test_postgres_incremental.py": 39,
    "tests/faults/test_killed_build.py": 36,
    "tests/badinput/test_cli.py": 33,
    "tests/badinput/test_big_files.py": 31,
    "tests/faults/test_overlapping_runs.py": 29,
    "tests/dagster/test_warehouse.py": 28,
    "tests/faults/test_secrets.py": 26,
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Group the tests for ``pytest -n 2 --dist loadgroup --no-loadscope-reorder`` (what
    ``make test`` runs).

    Each file is one group, so a worker makes its module fixtures once; the browser suite
    (``tests/ui``) is one group, so one worker starts one stack for all of it. The groups go
    slowest first (``SLOWEST_GROUPS``); ``--no-loadscope-reorder`` keeps that order (xdist
    otherwise puts the groups with the most tests first, and the one-test groups that take a
    minute or two came last). Without xdist the marks do nothing and only the order changes.
    """
    def group(item) -> str:
        path = Path(str(item.fspath)).resolve().relative_to(ROOT)
        return "tests/ui" if path.parts[:2] == ("tests", "ui") else path.as_posix()

    for item in items:
        item.add_marker(pytest.mark.xdist_group(group(item)))
    # stable: within a group, and among the groups not listed, the collection order stays
    items.sort(key=lambda item: -SLOWEST_GROUPS.get(group(item), 0))
