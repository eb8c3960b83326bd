"""``social-graph rebuild``: the raw Parquet tables again, from a copy of ``landing/`` alone."""

import shutil
from pathlib import Path

import pyarrow.parquet as pq

from social_graph.cli.main import main
from resources.lookups.landing import landing_dir
from tests.dagster.test_collect_cli import env  # noqa: F401 - the simulator + env fixture


def _snapshots(data: Path) -> dict[str, Path]:
    raw = data / "raw"
    return {str(p.relative_to(raw)): p for p in raw.rglob("*.parquet")
            if p.name != "_schema.parquet"}


def test_rebuild_from_a_copy_of_landing_reproduces_every_table_with_no_api_call(
        env, tmp_path, monkeypatch, capsys):
    sim = env
    post = sim.world.posts("janedoe")[0]
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - url: https://x.com/janedoe\n  - url: https://x.com/nasa\n"
                       "  - url: https://www.instagram.com/natgeo/\n    collect: [followers]\n"
                       f"  - url: https://x.com/janedoe/status/{post}\n"
                       "  - url: https://x.com/quiet_account\n")
    assert main(["collect", "--targets", str(targets), "--no-warehouse"]) == 0
    original = _snapshots(tmp_path / "data")
    # 3 x 2 lists (janedoe, nasa, quiet_account) + natgeo + post, and the manifest's file of
    # each of the 5 requests
    assert len(original) == 13

    copy = tmp_path / "copy"
    shutil.copytree(landing_dir(tmp_path / "data"), landing_dir(copy))
    monkeypatch.setenv("SOCIAL_DATA_DIR", str(copy))
    monkeypatch.setenv("NYNE_BASE_URL", "http://127.0.0.1:9")  # nothing may be called
    requests_before = len(sim.request_log)
    # A warehouse built from the old files: each snapshot is staged once, so rewritten files
    # must make the next build a full refresh (the record of what built it is dropped).
    record = copy / "warehouse.duckdb.project"
    record.write_text("the project that built the old warehouse\n")
    capsys.readouterr()
    assert main(["rebuild"]) == 0
    out = capsys.readouterr().out
    assert "rebuilt 8 Parquet files from 5 landed results" in out
    assert len(sim.request_log) == requests_before
    assert not record.exists() and "full refresh" in out

    rebuilt = _snapshots(copy)
    assert sorted(rebuilt) == sorted(original)
    # ... and the schema-only files dbt's sources need even for an asset with no file yet
    for asset in ("followers", "following", "repliers", "snapshots"):
        assert (copy / "raw" / asset / "_schema.parquet").is_file(), asset
    for name, path in original.items():
        assert pq.ParquetFile(rebuilt[name]).read().equals(pq.ParquetFile(path).read()), name
        assert rebuilt[name].read_bytes() == path.read_bytes(), name


def test_rebuild_reports_an_unreadable_record_and_rebuilds_the_rest(env, tmp_path, monkeypatch,
                                                                    capsys):
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - url: https://x.com/janedoe\n")
    assert main(["collect", "--targets", str(targets), "--no-warehouse"]) == 0
    landing = landing_dir(tmp_path / "data")
    (landing / "broken_request.json.gz").write_bytes(b"not gzip at all")
    shutil.rmtree(tmp_path / "data" / "raw")
    capsys.readouterr()
    assert main(["rebuild"]) == 1
    out = capsys.readouterr().out
    assert "broken_request.json.gz" in out and "not a landing record" in out
    assert len(_snapshots(tmp_path / "data")) == 3  # both lists and their manifest file


def test_rebuild_without_a_landing_folder_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCIAL_DATA_DIR", str(tmp_path / "empty"))
    assert main(["rebuild"]) == 2
    assert "no landing folder at" in capsys.readouterr().err
