"""The warehouse keeps up incrementally, end to end: three collections from the simulator with
its world changing in between, each followed by Dagster's ``warehouse_job`` (incremental after
the first), equal row for row to one ``warehouse_full_refresh_job`` of the same snapshots; and a
changed dbt project makes the next build a full refresh."""

import dagster as dg
import duckdb
import pytest

from resources.lookups.ledger.resource import LedgerResource
from social_assets.accounts import account_edges
from social_graph.definitions import defs
from tests.dagster.conftest import sim, storage  # noqa: F401 - the fixtures
from tests.dagster.conftest import nyne_for, target_list_for
from tests.dbt.test_incremental import TABLES, _compare

pytestmark = pytest.mark.timeout(900)  # five dbt builds and their exports

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
KEYS = ["tw_janedoe", "tw_dagster_io", "tw_nasa"]


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def _collect(sim, storage, instance, refresh):
    """One collection of every key: one range run, as a backfill does."""
    instance.add_dynamic_partitions("accounts", KEYS)
    tags = {"dagster/asset_partition_range_start": KEYS[0],
            "dagster/asset_partition_range_end": KEYS[-1]}
    if refresh:
        tags["social/refresh"] = "true"
    result = dg.materialize(
        [account_edges], instance=instance, run_config=QUIET, tags=tags,
        resources={"nyne": nyne_for(sim, max_results=300), "storage": storage,
                   "ledger": LedgerResource(),
                   "target_list": target_list_for(storage.root().parent, KEYS)})
    assert result.success


def _build(job, storage, instance, warehouse=None):
    config = {"data_dir": str(storage.root())}
    if warehouse:
        config["warehouse_path"] = str(warehouse)
    result = defs.resolve_job_def(job).execute_in_process(
        instance=instance, raise_on_error=False,
        run_config={**QUIET, "resources": {"storage": {"config": config}}})
    assert result.success, [e.step_failure_data.error.to_string() for e in result.get_step_failure_events()]
    return [e.message for e in instance.all_logs(result.run_id) if e.message]


def test_three_collections_built_incrementally_equal_a_full_refresh(sim, storage, instance,
                                                                   monkeypatch, tmp_path):
    """Then a changed project makes the next warehouse_job a full refresh, with the same rows."""
    monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
    published = storage.root() / "warehouse.duckdb"
    dbt_log = storage.root() / "dbt_build" / "duckdb" / "dbt.log"
    for epoch in range(3):
        if epoch:
            sim.update(epoch=epoch, churn=0.3)
        _collect(sim, storage, instance, refresh=epoch > 0)
        logs = _build("warehouse_job", storage, instance)
        full = any("full refresh:" in m for m in logs)
        assert full == (epoch == 0), logs[-5:]  # a new warehouse is built whole, once
        with duckdb.connect(str(published), read_only=True) as db:
            staged = db.execute("select count(distinct staged_at) from stg_nyne__snapshots"
                                ).fetchone()[0]
        assert staged == epoch + 1  # each build staged only that collection's snapshots
        # The same profile, vars and target folder each build: dbt re-reads its last parse.
        # (dbt rotates its log at 10 MB: count in the rotated files too.)
        assert sum(log.read_text().count("no changes found, skipping parsing")
                   for log in dbt_log.parent.glob("dbt.log*")) == epoch

    full_copy = tmp_path / "full.duckdb"
    _build("warehouse_full_refresh_job", storage, instance, warehouse=full_copy)
    for table in TABLES:
        _compare(published, full_copy, table)
    with duckdb.connect(str(full_copy), read_only=True) as db:
        changes = db.execute("select sum(lost) from follower_changes").fetchone()[0]
        truncated = db.execute("select count(*) from int_snapshots where is_truncated"
                               ).fetchone()[0]
    assert changes > 0 and truncated > 0  # the world churned; nasa's list was cut

    # A warehouse built by another dbt project (a model or macro changed) is rebuilt whole.
    record = published.with_name(published.name + ".project")
    record.write_text("a project that is not this one\n")
    assert any("full refresh:" in m for m in _build("warehouse_job", storage, instance))
    assert record.read_text().strip() != "a project that is not this one"
    for table in TABLES:
        _compare(published, full_copy, table)
