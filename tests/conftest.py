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
