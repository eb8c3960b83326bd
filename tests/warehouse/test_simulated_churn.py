"""Churn end to end: the simulator's world changes between two collections, and the warehouse's
follower_changes and fct_follows say exactly how."""

import duckdb

from simulator import SimulatorConfig, SimulatorServer
from social_graph.cli.main import main


def _followers(sim, epoch):
    return {a.username for a in sim.world.followers("twitter", "dagster_io", epoch)}


def test_gained_and_lost_equal_the_difference_between_two_snapshots_of_a_changed_world(
        tmp_path, monkeypatch):
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - url: https://x.com/dagster_io\n    collect: [followers]\n")
    config = SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0), churn=0.1)
    with SimulatorServer(config, port=0) as sim:
        for name, value in {"DAGSTER_HOME": str(tmp_path / "home"),
                            "SOCIAL_DATA_DIR": str(tmp_path / "data"),
                            "NYNE_BASE_URL": sim.url, "NYNE_API_KEY": sim.config.api_key,
                            "NYNE_API_SECRET": sim.config.api_secret}.items():
            monkeypatch.setenv(name, value)
        assert main(["collect", "--targets", str(targets), "--no-warehouse"]) == 0
        sim.set_epoch(1)
        assert main(["collect", "--targets", str(targets), "--refresh"]) == 0
        before, after = _followers(sim, 0), _followers(sim, 1)
    assert before != after  # the world did change

    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb")) as db:
        changes = db.execute(
            "select gained, lost, net, previous_snapshot_at is null from follower_changes "
            "where target_username = 'dagster_io' order by snapshot_at").fetchall()
        current = {row[0] for row in db.execute(
            "select follower_username from fct_follows where followed_username = 'dagster_io' "
            "and is_current").fetchall()}
        gone = {row[0] for row in db.execute(
            "select follower_username from fct_follows where followed_username = 'dagster_io' "
            "and not is_current").fetchall()}
    assert changes == [(len(before), 0, len(before), True),
                       (len(after - before), len(before - after),
                        len(after) - len(before), False)]
    assert current == after and gone == before - after
