"""``social-graph collect`` killed with SIGKILL while dbt builds the warehouse (issue 9,
promise 4): its dbt child dies with it, and the next collect closes the dead build (freeing
the only ``warehouse`` pool slot) and builds the warehouse, instead of waiting for the slot
forever with no message.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from simulator import SimulatorConfig, SimulatorServer

TARGETS = "targets:\n  - url: https://x.com/janedoe\n  - url: https://x.com/dagster_io\n"


def _children(pid: int, named: str) -> list[int]:
    """Processes whose parent is ``pid`` and whose command line mentions ``named``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and named in cmdline:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _until(what: str, condition, deadline_s: float = 180.0) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_collect_killed_during_the_build_takes_its_dbt_along_and_blocks_nothing(tmp_path):
    (tmp_path / "targets.yaml").write_text(TARGETS)
    with SimulatorServer(SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0)), port=0) as sim:
        env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home"),
               "SOCIAL_DATA_DIR": str(tmp_path / "data"), "NYNE_BASE_URL": sim.url,
               "NYNE_API_KEY": sim.config.api_key, "NYNE_API_SECRET": sim.config.api_secret}
        command = [sys.executable, "-m", "social_graph.cli.main", "collect", "--targets",
                   str(tmp_path / "targets.yaml")]
        first = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            dbt: list[int] = []

            def building() -> bool:
                assert first.poll() is None, first.communicate()[0]
                dbt[:] = _children(first.pid, "social-graph-dbt")
                return bool(dbt)

            _until("the first collect's dbt build", building)
            os.kill(first.pid, signal.SIGKILL)  # the collect alone: not its process group
            first.wait(30)
            _until("its dbt child to die with it", lambda: not any(map(_alive, dbt)), 60)
        finally:
            with_group = first.pid
            try:
                os.killpg(with_group, signal.SIGKILL)  # whatever is left, if the test failed
            except ProcessLookupError:
                pass

        second = subprocess.run([*command, "--refresh"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=300)
    out = second.stdout + second.stderr
    assert second.returncode == 0, out
    assert "closed run" in out and "its process" in out  # the dead build, reaped
    assert "warehouse: FAILED" not in out and "assets built" in out
