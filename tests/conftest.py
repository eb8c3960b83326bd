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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Group the tests for ``pytest -n 2 --dist loadgroup`` (what ``make test`` runs).

    Each file is one group, so a worker makes its module fixtures once; the browser suite
    (``tests/ui``) is one group, so one worker starts one stack for all of it, and it goes
    first: at about 4 minutes it is the longest group, and started last it would run alone at
    the end. Without xdist the marks do nothing and only the order changes.
    """
    def group(item) -> str:
        path = Path(str(item.fspath)).resolve().relative_to(ROOT)
        return "tests/ui" if path.parts[:2] == ("tests", "ui") else path.as_posix()

    for item in items:
        item.add_marker(pytest.mark.xdist_group(group(item)))
    items.sort(key=lambda item: group(item) != "tests/ui")  # stable: the rest keep their order
