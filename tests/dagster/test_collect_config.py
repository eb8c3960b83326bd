"""``collect``'s resource config (``--time-scale``, ``--config``, ``--set``) and the ``nyne``
resource's knobs, down to the client and the lookups that use them."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from resources.lookups import open_lookups
from resources.lookups.ledger.resource import LedgerResource
from resources.nyne_api import NyneApi
from simulator import SimulatorConfig, SimulatorServer
from social_graph.cli.main import main
from social_graph.cli.run_config import RunConfigError, resource_config, time_scaled
from social_graph.definitions import defs


def test_one_time_scale_scales_the_clients_windows_polls_timeouts_and_margin():
    nyne = time_scaled(0.01)["nyne"]["config"]
    assert nyne["minute_window_s"] == pytest.approx(0.6)
    assert nyne["hour_window_s"] == pytest.approx(36.0)
    assert nyne["poll_interval_s"] == pytest.approx(0.02)
    assert nyne["poll_max_interval_s"] == pytest.approx(0.3)
    assert nyne["retry_max_s"] == pytest.approx(0.6)
    assert nyne["rate_safety_margin_s"] == pytest.approx(0.01)
    assert nyne["callback_backstop_poll_s"] == pytest.approx(1.2)
    # A round trip does not shrink with the clock, nor a database query: floors.
    assert nyne["request_timeout_s"] == 5.0 and nyne["lookup_timeout_s"] == 60.0
    assert nyne["inbox_check_s"] == nyne["claim_wait_s"] == 0.02
    assert time_scaled(1.0) == {}
    NyneApi(**nyne)  # every name is a field of the resource, every value valid


def test_the_config_file_then_each_set_win_over_the_time_scale(tmp_path):
    path = tmp_path / "run_config.yaml"
    path.write_text("resources:\n  nyne:\n    config: {poll_interval_s: 0.5, max_results: 50}\n")
    out = resource_config(defs.resources, time_scale=0.01, config_file=str(path),
                          assignments=["nyne.max_results=20", "ledger.reuse_window_s=60"])
    assert out["nyne"]["config"]["poll_interval_s"] == 0.5  # the file over the time scale
    assert out["nyne"]["config"]["max_results"] == 20  # --set over the file
    assert out["nyne"]["config"]["minute_window_s"] == pytest.approx(0.6)
    assert out["ledger"] == {"config": {"reuse_window_s": 60}}


@pytest.mark.parametrize("assignment, message", [
    ("nyne.poll_interval=1", r"--set nyne.poll_interval: nyne has no setting 'poll_interval'"),
    ("nyen.poll_interval_s=1", r"no resource 'nyen' \(the code location has dbt, ledger"),
    ("poll_interval_s=1", r"expected RESOURCE.FIELD=VALUE"),
    ("nyne.api_secret=hunter2-secret", r"nyne.api_secret is a secret .* \{env: VARIABLE\}"),
])
def test_a_bad_setting_is_refused_naming_it(assignment, message):
    with pytest.raises(RunConfigError, match=message) as caught:
        resource_config(defs.resources, assignments=[assignment])
    assert "hunter2" not in str(caught.value)


def test_a_secret_may_be_named_by_its_variable():
    out = resource_config(defs.resources, assignments=["nyne.api_key={env: OTHER_KEY}"])
    assert out["nyne"]["config"]["api_key"] == {"env": "OTHER_KEY"}


def test_a_config_file_that_is_not_run_config_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("nyne: {poll_interval_s: 1}\n")
    with pytest.raises(RunConfigError, match=rf"--config {path}: expected a mapping with one "
                                              r"key, 'resources'"):
        resource_config(defs.resources, config_file=str(path))
    with pytest.raises(RunConfigError, match="cannot read it"):
        resource_config(defs.resources, config_file=str(tmp_path / "missing.yaml"))


def test_the_resources_knobs_reach_the_limiter_and_the_lookups(tmp_path):
    api = NyneApi(api_key="k", api_secret="s", rate_safety_margin_s=0.25, inbox_check_s=0.5,
                  claim_wait_s=0.75, trust_callbacks=True, learn_poll_schedule=False)
    assert [margin for _, _, margin in api.client().limiter._windows] == [0.25, 0.25]
    service = open_lookups(api, LedgerResource(), tmp_path, run_id="r1")
    lookups = service.lookups
    assert (lookups.inbox_check_s, lookups.claim_wait_s, lookups.trust_callbacks) == (0.5, 0.75,
                                                                                      True)
    assert lookups.latency is None  # learn_poll_schedule off: the fixed back-off
    learning = open_lookups(NyneApi(api_key="k", api_secret="s"), LedgerResource(), tmp_path,
                            run_id="r2")
    assert learning.lookups.latency is not None and learning.lookups.latency_log is not None


@pytest.fixture
def env(tmp_path, monkeypatch):
    with SimulatorServer(SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0)), port=0) as sim:
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("SOCIAL_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("NYNE_BASE_URL", sim.url)
        monkeypatch.setenv("NYNE_API_KEY", sim.config.api_key)
        monkeypatch.setenv("NYNE_API_SECRET", sim.config.api_secret)
        yield sim


def test_collect_passes_set_and_the_time_scale_to_its_runs(env, tmp_path, capsys):
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - url: https://x.com/nasa\n    collect: [followers]\n")
    config = tmp_path / "run_config.yaml"
    config.write_text("resources:\n  nyne:\n    config: {max_results: 50}\n")
    assert main(["collect", "--targets", str(targets), "--no-warehouse", "--time-scale", "0.01",
                 "--config", str(config), "--set", "nyne.max_results=10"]) == 0
    [path] = (Path(tmp_path) / "data" / "raw" / "followers").glob("*/*/*.parquet")
    assert pq.read_metadata(path).num_rows == 10  # --set won over the file's 50
    capsys.readouterr()
    assert main(["collect", "--targets", str(targets), "--no-warehouse",
                 "--set", "nyne.api_key=sim-key"]) == 2
    err = capsys.readouterr().err
    assert "nyne.api_key is a secret" in err and "sim-key" not in err
