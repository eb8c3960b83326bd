"""The raw assets' checks: one evaluation per check, asset and partition, pointing at the
materialization it checked, against the simulator; and the checks' failures on bad files and on
numbers from the API that cannot all be true."""

from pathlib import Path

import dagster as dg
import pyarrow as pa
import pytest

from resources.lookups.ledger.resource import LedgerResource
from social_assets.accounts import account_edges
from social_assets.parquet import EDGE_SCHEMA, write_snapshot
from social_assets.posts import repliers
from social_assets.raw_checks import ROWS_CHECK, SCHEMA_CHECK, rows_evaluation, schema_evaluation
from social_assets.snapshots import Snapshot
from tests.dagster.conftest import nyne_for, target_list_for

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
WARN, ERROR = dg.AssetCheckSeverity.WARN, dg.AssetCheckSeverity.ERROR


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def _run(assets, nyne, storage, instance, keys, partitions="accounts"):
    instance.add_dynamic_partitions(partitions, keys)
    folder = storage.root().parent
    return dg.materialize(
        assets, instance=instance, run_config=QUIET,
        resources={"nyne": nyne, "storage": storage, "ledger": LedgerResource(),
                   "target_list": target_list_for(folder, keys if partitions == "accounts" else [])},
        tags={"dagster/asset_partition_range_start": keys[0],
              "dagster/asset_partition_range_end": keys[-1]})


def _evaluations(result) -> dict[tuple[str, str, str], dg.AssetCheckEvaluation]:
    found = {}
    for ev in result.get_asset_check_evaluations():
        key = (ev.asset_key.to_user_string(), ev.check_name, ev.partition)
        assert key not in found, f"two evaluations of {key}"
        found[key] = ev
    return found


def test_a_range_run_checks_every_partition_and_flags_the_truncated_list(sim, storage, instance):
    nasa, jane = "tw_nasa", "tw_janedoe"  # 1,246 and 149 followers; 14 and 16 followed
    result = _run([account_edges], nyne_for(sim, max_results=200), storage, instance, [jane, nasa])
    assert result.success  # a warning does not fail the run: the data is what the API had

    found = _evaluations(result)
    assert set(found) == {(a, c, p) for a in ("followers", "following")
                          for c in (SCHEMA_CHECK, ROWS_CHECK) for p in (jane, nasa)}
    assert all(found[(a, SCHEMA_CHECK, p)].passed for a in ("followers", "following")
               for p in (jane, nasa))

    cut = found[("followers", ROWS_CHECK, nasa)]
    assert (cut.passed, cut.severity) == (False, WARN)
    assert "truncated: 200 rows" in cut.description
    assert cut.metadata["is_truncated"].value is True and cut.metadata["rows"].value == 200

    whole = found[("followers", ROWS_CHECK, jane)]
    assert whole.passed, whole.description
    assert whole.description == "complete: 149 rows of total_count=149, under max_results=200"
    assert found[("following", ROWS_CHECK, nasa)].passed

    # Each partition's evaluation points at that partition's materialization, so the UI shows it
    # as the check of the latest data, not an out-of-date one.
    for asset in ("followers", "following"):
        for check in (SCHEMA_CHECK, ROWS_CHECK):
            key = dg.AssetCheckKey(dg.AssetKey(asset), check)
            infos = {i.partition_key: i for i in
                     instance.event_log_storage.get_asset_check_partition_info([key])}
            assert set(infos) == {jane, nasa}
            for info in infos.values():
                assert info.latest_target_materialization_storage_id is not None
                assert info.latest_target_materialization_storage_id == \
                    info.latest_materialization_storage_id


def test_the_repliers_checks_are_evaluated_per_post(sim, nyne, storage, instance):
    posts = [f"tw_{t}" for t in sim.world.posts("janedoe")[:2]]
    result = _run([repliers], nyne, storage, instance, posts, partitions="posts")
    assert result.success
    found = _evaluations(result)
    assert set(found) == {("repliers", c, p) for c in (SCHEMA_CHECK, ROWS_CHECK) for p in posts}
    assert all(ev.passed for ev in found.values()), [ev.description for ev in found.values()]


def _snap(path: Path, rows: int, **kw) -> Snapshot:
    return Snapshot("followers", path, rows, request_id="req1", credits=3,
                    total_count=kw.pop("total", None), truncated=kw.pop("truncated", False), **kw)


def test_a_file_whose_columns_differ_fails_the_schema_check_naming_each_difference(tmp_path):
    fields = [f for f in EDGE_SCHEMA if f.name not in ("verified", "followers_count")]
    fields.append(pa.field("followers_count", pa.string()))
    fields.append(pa.field("surprise", pa.int32()))
    path = write_snapshot(pa.schema(fields).empty_table(), tmp_path / "req1.parquet")

    passed, text, meta = schema_evaluation(_snap(path, 0))
    assert not passed
    assert "missing columns: verified" in text
    assert "undeclared columns: surprise" in text
    assert "followers_count: string (declared int64)" in text
    assert meta["problems"].value == text.split(": ", 1)[1].split("; ")


def test_the_declared_file_passes_and_an_unreadable_one_fails(tmp_path):
    good = write_snapshot(EDGE_SCHEMA.empty_table(), tmp_path / "good.parquet")
    assert schema_evaluation(_snap(good, 0))[0]
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    passed, text, _ = schema_evaluation(_snap(bad, 0))
    assert not passed and text.startswith("bad.parquet: cannot read the schema")


@pytest.mark.parametrize(
    ("rows", "kw", "expected", "words"),
    [
        (1001, {"total": 2000, "truncated": True}, (False, ERROR), "more than the max_results=1000"),
        (12, {"total": 10}, (False, ERROR), "more than the API's total_count=10"),
        (1000, {"total": 5000, "truncated": True}, (False, WARN), "truncated: 1000 rows of total_count=5000"),
        (1000, {"truncated": True}, (False, WARN), "truncated: 1000 rows with max_results=1000"),
        (9, {"total": 10}, (False, WARN), "1 of the API's 10 entries had no username"),
        (10, {"total": 10}, (True, ERROR), "complete: 10 rows of total_count=10"),
        (0, {"total": 0}, (True, ERROR), "complete: 0 rows"),
        (7, {}, (True, ERROR), "complete: 7 rows, under"),
    ],
)
def test_rows_against_the_apis_numbers(tmp_path, rows, kw, expected, words):
    passed, severity, text = rows_evaluation(_snap(tmp_path / "x.parquet", rows, **kw))
    assert (passed, severity) == expected
    assert words in text
