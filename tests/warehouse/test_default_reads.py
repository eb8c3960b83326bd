"""An analyst's first line works: every raw folder (and one file of it) read with the default
call of pandas, pyarrow, polars and DuckDB, on files the raw assets wrote from the simulator.

With hive-style folders (``platform=twitter/``) beside a ``platform`` column, pandas and
pyarrow refused the folder ("Unable to merge") and even a single file; the folders are plain
names now and every column is in the files.
"""

import dagster as dg
import duckdb
import pandas as pd
import polars as pl
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from resources.lookups.ledger.resource import LedgerResource
from social_assets.accounts import account_edges
from social_assets.parquet import SCHEMAS
from social_assets.posts import repliers
from tests.dagster.conftest import sim, storage  # noqa: F401 - the fixtures
from tests.dagster.conftest import nyne_for, target_list_for

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
FOLDERS = ["followers", "following", "repliers", "snapshots"]


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """A data dir with every raw folder: two accounts' lists, one post's repliers."""
    from simulator import SimulatorConfig, SimulatorServer
    from resources.storage import SocialStorage

    root = tmp_path_factory.mktemp("reads")
    store = SocialStorage(data_dir=str(root / "data"))
    with SimulatorServer(SimulatorConfig(time_scale=0.01, latency_s=(1.0, 3.0)), port=0) as server, \
            dg.instance_for_test() as instance:
        accounts = ["tw_janedoe", "ig_natgeo"]
        post = f"tw_{server.world.posts('janedoe')[0]}"
        instance.add_dynamic_partitions("accounts", accounts)
        instance.add_dynamic_partitions("posts", [post])
        resources = {"nyne": nyne_for(server), "storage": store, "ledger": LedgerResource(),
                     "target_list": target_list_for(root, accounts)}
        for assets, key in [([account_edges], k) for k in accounts] + [([repliers], post)]:
            assert dg.materialize(assets, instance=instance, run_config=QUIET,
                                  resources=resources, partition_key=key).success
    return store.root() / "raw"


def _rows(raw, folder):
    """What the files hold, read one by one (the truth the default calls must match)."""
    return sum(pq.ParquetFile(p).metadata.num_rows for p in (raw / folder).rglob("*.parquet"))


@pytest.mark.parametrize("folder", FOLDERS)
def test_pandas_reads_a_raw_folder_with_its_default_call(raw, folder):
    frame = pd.read_parquet(raw / folder)
    assert len(frame) == _rows(raw, folder) > 0
    assert list(frame.columns) == SCHEMAS[folder].names
    assert set(frame["platform"]) <= {"twitter", "instagram"}


@pytest.mark.parametrize("folder", FOLDERS)
def test_pyarrow_reads_a_raw_folder_and_one_file_with_their_default_calls(raw, folder):
    table = pq.read_table(raw / folder)
    assert table.num_rows == _rows(raw, folder)
    assert table.schema.names == SCHEMAS[folder].names
    assert ds.dataset(raw / folder).to_table().num_rows == table.num_rows
    one = next(p for p in (raw / folder).rglob("*.parquet") if not p.name.startswith("_"))
    assert pq.read_table(one).schema.names == SCHEMAS[folder].names


@pytest.mark.parametrize("folder", FOLDERS)
def test_polars_reads_a_raw_folder_with_its_default_call(raw, folder):
    frame = pl.read_parquet(raw / folder)
    assert frame.height == _rows(raw, folder)
    assert frame.columns == SCHEMAS[folder].names


@pytest.mark.parametrize("folder", FOLDERS)
def test_duckdb_reads_a_raw_folder_with_its_default_call(raw, folder):
    with duckdb.connect() as db:
        rows, = db.execute(f"select count(*) from read_parquet('{raw / folder}/**/*.parquet')"
                           ).fetchone()
        names = [c[0] for c in db.execute(f"describe select * from "
                                          f"read_parquet('{raw / folder}/**/*.parquet')").fetchall()]
    assert rows == _rows(raw, folder)
    assert names == SCHEMAS[folder].names
