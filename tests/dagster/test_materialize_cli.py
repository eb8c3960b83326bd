"""``dagster asset materialize`` with a partial resource config, as the README shows it.

The path users take: the dagster CLI in a process of its own, the code location loaded from
``social_graph.definitions``, a run config naming one ``nyne`` setting and no credentials (they
come from the environment), against the simulator over HTTP.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq

from simulator import SimulatorConfig, SimulatorServer

ROOT = Path(__file__).resolve().parents[2]
DAGSTER = str(Path(sys.executable).with_name("dagster"))


def test_a_partial_nyne_config_on_the_command_line_runs_with_the_environments_credentials(
        tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    with SimulatorServer(SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0)), port=0) as sim:
        env = {**os.environ, "DAGSTER_HOME": str(home), "SOCIAL_DATA_DIR": str(tmp_path / "data"),
               "NYNE_BASE_URL": sim.url, "NYNE_API_KEY": sim.config.api_key,
               "NYNE_API_SECRET": sim.config.api_secret,
               "SOCIAL_TARGETS_FILE": str(tmp_path / "no-such-list.yaml")}
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.get() as instance:
            instance.add_dynamic_partitions("accounts", ["tw_nasa"])
        config = {"resources": {"nyne": {"config": {"max_results": 10, "poll_interval_s": 0.02,
                                                    "minute_window_s": 0.6}}}}
        done = subprocess.run(
            [DAGSTER, "asset", "materialize", "-m", "social_graph.definitions", "--select",
             "followers,following", "--partition", "tw_nasa", "--config-json",
             json.dumps(config)],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "RUN_SUCCESS" in done.stdout + done.stderr
    files = list((tmp_path / "data" / "raw" / "followers").glob("*/*/*.parquet"))
    assert [pq.read_metadata(p).num_rows for p in files] == [10]  # the config was applied
    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs()
        assert run.run_config["resources"]["nyne"]["config"]["max_results"] == 10
        assert sim.config.api_secret not in json.dumps(run.run_config)
