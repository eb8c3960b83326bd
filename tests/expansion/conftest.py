"""One real ``dbt build`` of the hand-computed collection (``collection.py``), shared by the
expansion tests (each test copies nothing it changes: the warehouse is only read)."""

import pytest

from tests.dbt.conftest import run_dbt

from .collection import write_collection


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The data dir, with ``warehouse.duckdb`` built by dbt from the collection."""
    root = tmp_path_factory.mktemp("expansion") / "data"
    write_collection(root)
    # Only what the mart needs: its upstream models and the data tests of those alone (the
    # project's unit tests, and tests of the other marts, are theirs to run).
    run_dbt(["build", "--select", "+expansion_candidates", "--indirect-selection", "cautious",
             "--exclude-resource-type", "unit_test"], root)
    return root
