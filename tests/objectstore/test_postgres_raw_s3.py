"""The PostgreSQL raw loader lists and reads the snapshots where the data dir is: in a bucket."""

import pytest

from resources.storage import SocialStorage
from tests.postgres import scratch_database
from tests.warehouse.test_postgres_raw import _count, _load, _snapshot


@pytest.fixture
def pg():
    with scratch_database() as database:
        yield database


def test_snapshots_in_a_bucket_are_loaded_once_each(pg, s3, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIAL_LEDGER_URL", f"sqlite:///{tmp_path}/ledger.sqlite")
    storage = SocialStorage(data_dir=s3.url(), state_dir=str(tmp_path / "state"))
    _snapshot(storage, "followers", "alice", "req_1", ["bob", "carol"])
    _snapshot(storage, "followers", "dave", "req_2", ["erin"])
    assert s3.keys("data/raw/") == ["data/raw/followers/twitter/alice/req_1.parquet",
                                    "data/raw/followers/twitter/dave/req_2.parquet"]
    first = _load(pg, storage)
    assert first["followers"]["snapshots_loaded"].value == 2
    assert _count(pg, "select request_id, username from raw.followers order by 2") == [
        ("req_1", "bob"), ("req_1", "carol"), ("req_2", "erin")]
    assert _count(pg, "select path from raw._loaded_snapshots order by 1") == [
        (f"s3://{s3.name}/data/raw/followers/twitter/alice/req_1.parquet",),
        (f"s3://{s3.name}/data/raw/followers/twitter/dave/req_2.parquet",)]
    assert _load(pg, storage)["followers"]["snapshots_loaded"].value == 0
    assert not (tmp_path / "state").exists() or not any((tmp_path / "state").rglob("s3:*"))
