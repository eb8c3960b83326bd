"""A reader holding the warehouse open never blocks the scheduled rebuild, and never sees half
a build: the rebuild writes a new file and publishes it in one rename.

The README's own line, ``duckdb.connect("data/warehouse.duckdb", read_only=True)`` held open
in a notebook, made ``dbt build`` fail with "Could not set lock on file". Here the reader stays
connected across a rebuild (on the real ``warehouse_job``): both succeed, the reader keeps the
version it opened, a new connection sees the new one, and a failed build publishes nothing.
"""

from datetime import datetime, timezone

import dagster as dg
import duckdb
import pytest

from social_graph.definitions import defs
from tests.dbt.conftest import write_edge_snapshot

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 11, 9, 9, 0, tzinfo=timezone.utc)


def _build(instance, data):
    return defs.resolve_job_def("warehouse_job").execute_in_process(
        instance=instance, raise_on_error=False,
        run_config={**QUIET, "resources": {"storage": {"config": {"data_dir": str(data)}}}})


def _follows(db):
    return db.execute("select count(*) from fct_follows").fetchone()[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One warehouse, built once, for the tests of this module in turn (each starts from
    whatever the one before published)."""
    data = tmp_path_factory.mktemp("readers") / "data"
    write_edge_snapshot(data, "followers", "twitter", "janedoe", ["a", "b"], T0)
    with pytest.MonkeyPatch.context() as patch, dg.instance_for_test() as instance:
        patch.delenv("SOCIAL_WAREHOUSE", raising=False)
        assert _build(instance, data).success
        yield instance, data


def test_a_reader_held_open_across_a_rebuild_blocks_nothing_and_sees_one_version(built):
    instance, data = built
    published = data / "warehouse.duckdb"
    reader = duckdb.connect(str(published), read_only=True)  # the README's line, left open
    try:
        assert _follows(reader) == 2
        write_edge_snapshot(data, "followers", "twitter", "dagster_io", ["a", "c", "d"], T1)
        result = _build(instance, data)
        assert result.success, [e.step_failure_data for e in result.get_step_failure_events()]
        assert _follows(reader) == 2  # still the version it opened: never half a build
    finally:
        reader.close()
    with duckdb.connect(str(published), read_only=True) as fresh:  # reconnecting: the new one
        assert _follows(fresh) == 5
    # No build file left; beside the warehouse, only the record of the project that built it
    # and the (empty) file the builds lock.
    assert sorted(p.name for p in data.glob("warehouse*")) == [
        "warehouse.duckdb", "warehouse.duckdb.build.lock", "warehouse.duckdb.project"]


def test_a_failed_build_publishes_nothing(built):
    instance, data = built
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as db:
        published = _follows(db)
    # A platform the staging tests refuse: the build fails; the published version stays.
    write_edge_snapshot(data, "followers", "myspace", "janedoe", ["x"], T1)
    result = _build(instance, data)
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data
    assert failure.user_failure_data is not None, failure.error.to_string()
    description = failure.user_failure_data.description
    assert "is unchanged (the previous build)" in description
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as db:
        assert _follows(db) == published > 0
    # No build file left; beside the warehouse, only the record of the project that built it
    # and the (empty) file the builds lock.
    assert sorted(p.name for p in data.glob("warehouse*")) == [
        "warehouse.duckdb", "warehouse.duckdb.build.lock", "warehouse.duckdb.project"]
