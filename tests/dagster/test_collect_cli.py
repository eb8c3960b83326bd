"""``social-graph collect`` end to end: a real instance in DAGSTER_HOME, the simulator over HTTP."""

import logging
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from simulator import SimulatorConfig, SimulatorServer
from social_graph.cli.main import main
from tests.dagster.conftest import submits

SECRET = "s3cret-Hygiene-7c41e9"


def _targets(tmp_path: Path, post_id: str) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "targets:\n"
        "  - url: https://x.com/janedoe\n"
        "  - url: https://www.instagram.com/jane.doe/\n"
        "    collect: [followers]\n"
        f"  - url: https://x.com/janedoe/status/{post_id}\n"
        "  - url: https://x.com/quiet_account\n"
        "  - url: https://example.com/nobody\n"
    )
    return path


@pytest.fixture
def env(tmp_path, monkeypatch):
    config = SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0), api_secret=SECRET)
    with SimulatorServer(config, port=0) as sim:
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("SOCIAL_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("NYNE_BASE_URL", sim.url)
        monkeypatch.setenv("NYNE_API_KEY", sim.config.api_key)
        monkeypatch.setenv("NYNE_API_SECRET", SECRET)
        yield sim


def _parquet_targets(data: Path, asset: str) -> set[str]:
    return {p.parent.name for p in (data / "raw" / asset).glob("*/*/*.parquet")}


def test_collect_writes_every_target_then_a_second_collect_submits_nothing(
        env, tmp_path, capsys):
    sim = env
    post_id = sim.world.posts("janedoe")[0]
    path = _targets(tmp_path, post_id)
    assert main(["collect", "--targets", str(path)]) == 0
    out = capsys.readouterr().out
    data = tmp_path / "data"
    assert _parquet_targets(data, "followers") == {"janedoe", "jane.doe", "quiet_account"}
    assert _parquet_targets(data, "following") == {"janedoe", "quiet_account"}
    assert _parquet_targets(data, "repliers") == {post_id}
    assert "rejected rows: 1" in out and "row 7" in out and "example.com" in out
    assert f"credits: {sim.credits_used} " in out
    assert "failures: 0" in out
    # janedoe: one followers,following request; jane.doe: followers; the post; quiet_account.
    assert len(submits(sim)) == 4
    # ... and the warehouse was built from them, every mart with rows.
    assert "warehouse: FAILED" not in out
    with duckdb.connect(str(data / "warehouse.duckdb")) as db:  # the run keeps it open
        for mart in ("dim_accounts", "fct_follows", "fct_replies", "account_metrics",
                     "follower_changes"):
            assert db.execute(f"select count(*) from {mart}").fetchone()[0] > 0, mart

    assert main(["collect", "--targets", str(path)]) == 0
    assert "nothing to collect" in capsys.readouterr().out
    assert len(submits(sim)) == 4


def test_refresh_takes_a_new_snapshot_of_every_target(env, tmp_path, capsys):
    sim = env
    path = tmp_path / "targets.yaml"
    path.write_text("targets:\n  - url: https://x.com/dagster_io\n")
    assert main(["collect", "--targets", str(path), "--no-warehouse"]) == 0
    assert main(["collect", "--targets", str(path), "--refresh", "--no-warehouse"]) == 0
    assert len(submits(sim)) == 2
    files = list((tmp_path / "data/raw/followers").glob("*/*/*.parquet"))
    assert len(files) == 2


def test_a_failed_target_makes_collect_exit_non_zero_naming_it(env, tmp_path, capsys):
    path = tmp_path / "targets.yaml"
    path.write_text("targets:\n  - url: https://x.com/janedoe\n"
                    "  - url: https://x.com/no_such_user_q\n")
    assert main(["collect", "--targets", str(path), "--no-warehouse"]) == 1
    captured = capsys.readouterr()
    assert "tw_no_such_user_q" in captured.err
    assert "failures: 1" in captured.out and "LookupFailed" in captured.out
    assert _parquet_targets(tmp_path / "data", "followers") == {"janedoe"}


def test_the_api_secret_is_written_nowhere(env, tmp_path, capsys, caplog):
    sim = env
    sim.inject_faults(["500", "drop", "malformed"])
    path = tmp_path / "targets.yaml"
    path.write_text("targets:\n  - url: https://x.com/janedoe\n  - url: https://x.com/no_such_q\n")
    with caplog.at_level(logging.DEBUG):
        main(["collect", "--targets", str(path)])
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert not [r for r in caplog.records if SECRET in r.getMessage()]
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "targets.yaml"]
    assert any(p.suffix == ".parquet" for p in written)
    assert any(p.suffix == ".db" for p in written)  # the instance's event log and runs
    leaking = [p for p in written if SECRET.encode() in p.read_bytes()]
    assert leaking == []
    for p in written:
        if p.suffix == ".parquet":
            assert SECRET not in str(pq.ParquetFile(p).read().to_pylist())


def test_missing_credentials_are_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NYNE_API_KEY", raising=False)
    monkeypatch.delenv("NYNE_API_SECRET", raising=False)
    path = tmp_path / "targets.yaml"
    path.write_text("targets:\n  - url: https://x.com/janedoe\n")
    assert main(["collect", "--targets", str(path)]) == 2
    assert "NYNE_API_KEY and NYNE_API_SECRET not set" in capsys.readouterr().err
