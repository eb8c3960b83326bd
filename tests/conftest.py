"""Session set-up shared by every test folder."""

from social_assets.dbt_project import dbt_project


def pytest_sessionstart(session):
    # The code location loads the dbt manifest; `make test` parses the project first, a bare
    # `pytest` run does it here when the manifest is missing.
    if not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)
