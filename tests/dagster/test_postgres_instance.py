"""The production set-up: a Dagster instance whose storage is PostgreSQL (dagster-postgres)."""

import pytest

from simulator import SimulatorConfig, SimulatorServer
from social_graph.cli.main import main
from tests.dagster.conftest import submits
from tests.postgres import scratch_database


@pytest.fixture
def pg():
    with scratch_database() as database:
        yield database


def test_collect_on_a_postgres_backed_instance_remembers_what_it_collected(
        pg, tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "storage:\n  postgres:\n    postgres_db:\n"
        f"      hostname: {pg.host}\n      port: {pg.port}\n      username: {pg.user}\n"
        f"      password: ''\n      db_name: {pg.dbname}\n"
        "concurrency:\n  pools:\n    default_limit: 1\n")
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - url: https://x.com/dagster_io\n"
                       "  - url: https://www.instagram.com/natgeo/\n")
    with SimulatorServer(SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0)), port=0) as sim:
        for name, value in {"DAGSTER_HOME": str(home), "SOCIAL_DATA_DIR": str(tmp_path / "data"),
                            "NYNE_BASE_URL": sim.url, "NYNE_API_KEY": sim.config.api_key,
                            "NYNE_API_SECRET": sim.config.api_secret}.items():
            monkeypatch.setenv(name, value)
        assert main(["collect", "--targets", str(targets), "--no-warehouse"]) == 0
        assert len(submits(sim)) == 2
        assert main(["collect", "--targets", str(targets), "--no-warehouse"]) == 0
        assert len(submits(sim)) == 2
    assert "nothing to collect" in capsys.readouterr().out

    import dagster as dg
    from dagster_postgres import PostgresRunStorage  # noqa: F401  (the storage in use)

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert set(instance.get_dynamic_partitions("accounts")) == {"tw_dagster_io", "ig_natgeo"}
        assert instance.get_materialized_partitions(dg.AssetKey("followers")) == {
            "tw_dagster_io", "ig_natgeo"}
