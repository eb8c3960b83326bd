"""``social-graph collect`` with ``SOCIAL_DATA_DIR=s3://bucket/prefix``, end to end, against a
real S3 (moto's server over loopback HTTP) and the simulator: the raw Parquet, the landing
archive, the journal and the exports are objects in the bucket; dbt on DuckDB builds the
warehouse from the Parquet it reads there through fsspec; ``rebuild`` regenerates the raw
tables from the bucket's landing archive."""

import io
import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from simulator import SimulatorConfig, SimulatorServer
from social_graph.cli.main import main
from tests.dagster.conftest import submits
from tests.objectstore.conftest import SECRET_KEY

API_SECRET = "s3cret-Objstore-51d0aa"


@pytest.fixture
def env(s3, tmp_path, monkeypatch):
    config = SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0), api_secret=API_SECRET)
    with SimulatorServer(config, port=0) as sim:
        monkeypatch.chdir(tmp_path)  # a data dir taken for a local path would show up here
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("SOCIAL_DATA_DIR", s3.url("social/data"))
        monkeypatch.setenv("SOCIAL_LEDGER_URL", f"sqlite:///{tmp_path}/ledger.sqlite")
        monkeypatch.setenv("SOCIAL_STATE_DIR", str(tmp_path / "state"))
        monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
        monkeypatch.setenv("NYNE_BASE_URL", sim.url)
        monkeypatch.setenv("NYNE_API_KEY", sim.config.api_key)
        monkeypatch.setenv("NYNE_API_SECRET", API_SECRET)
        yield sim, s3


def _parquet_rows(s3, prefix: str) -> int:
    return sum(pq.read_table(io.BytesIO(s3.read(key))).num_rows
               for key in s3.keys(prefix) if key.endswith(".parquet"))


def _snapshot_keys(s3) -> list[str]:
    return [k for k in s3.keys("social/data/raw/") if not k.endswith("_schema.parquet")]


def test_collect_build_export_and_rebuild_with_the_data_dir_in_a_bucket(env, tmp_path, capsys):
    sim, s3 = env
    post_id = sim.world.posts("janedoe")[0]
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - url: https://x.com/janedoe\n"
                       f"  - url: https://x.com/janedoe/status/{post_id}\n"
                       "  - url: https://x.com/quiet_account\n")
    assert main(["collect", "--targets", str(targets)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "failures: 0" in out and "warehouse: FAILED" not in out
    assert f"data: {s3.url('social/data')}/raw/" in out
    assert len(submits(sim)) == 3  # janedoe (followers,following), the post, quiet_account

    # Everything the data dir holds is in the bucket ...
    raw = _snapshot_keys(s3)
    assert {k.split("/")[3] for k in raw} == {"followers", "following", "repliers", "snapshots"}
    assert any(k.startswith("social/data/raw/followers/twitter/janedoe/") for k in raw)
    landing = s3.keys("social/data/landing/")
    journal = s3.keys("social/data/request_journal/")
    assert len(landing) == len(journal) == 3
    assert {Path(k).name.removesuffix(".json.gz") for k in landing} == {
        Path(k).stem for k in journal}
    assert s3.keys("social/data/exports/") == [
        f"social/data/exports/social_graph.{kind}" for kind in ("gexf", "graphml", "png")]
    # ... no temporary key was left, and nothing went to a local folder named "s3:".
    assert not [k for k in s3.keys() if ".tmp" in k or Path(k).name.startswith(".")]
    assert not [p for p in tmp_path.rglob("*") if "s3:" in p.name]
    assert not Path("s3:").exists() and not (Path(__file__).parents[2] / "s3:").exists()
    # The local state folder holds the warehouse and dbt's build folder.
    warehouse = tmp_path / "state" / "warehouse.duckdb"
    assert (tmp_path / "state" / "dbt_build" / "duckdb").is_dir()

    # dbt read the Parquet from the bucket: the warehouse holds every row of it.
    with duckdb.connect(str(warehouse), read_only=True) as db:
        for asset in ("followers", "following", "repliers"):
            staged = db.execute(f"select count(*) from stg_nyne__{asset}").fetchone()[0]
            assert staged == _parquet_rows(s3, f"social/data/raw/{asset}/") > 0, asset
        snapshots = db.execute("select count(*) from stg_nyne__snapshots").fetchone()[0]
        assert snapshots == _parquet_rows(s3, "social/data/raw/snapshots/") == 5  # one per list
        assert db.execute("select count(*) from dim_accounts").fetchone()[0] > 0
    graphml = s3.read("social/data/exports/social_graph.graphml")
    assert b"<graphml" in graphml and b"janedoe" in graphml

    # No secret in any object (the AWS key, the API secret).
    for key in s3.keys():
        body = s3.read(key)
        assert SECRET_KEY.encode() not in body and API_SECRET.encode() not in body, key

    # `social-graph rebuild` regenerates the raw tables from the bucket's landing archive.
    before = {k: s3.read(k) for k in raw}
    s3.delete("social/data/raw/")
    requests = len(sim.request_log)
    os.environ["NYNE_BASE_URL"] = "http://127.0.0.1:9"  # nothing may be called (monkeypatched)
    assert main(["rebuild"]) == 0
    out = capsys.readouterr().out
    assert f"landing: {s3.url('social/data')}/landing" in out
    assert "rebuilt 5 Parquet files from 3 landed results" in out
    assert len(sim.request_log) == requests
    assert _snapshot_keys(s3) == sorted(before)
    for key, data in before.items():
        assert pq.read_table(io.BytesIO(s3.read(key))).equals(pq.read_table(io.BytesIO(data)))
