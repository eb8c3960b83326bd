"""The real stack: ``social-graph dev`` (the webserver and the daemon, with or without its
embedded simulator) in a subprocess, shared by the browser suite and ``make bench-ui``.

It runs in its own process group with a minimal environment (nothing of the venv on PATH) and a
fresh instance, data dir and target list in its work folder. Everything here waits for an
outcome with a deadline; nothing sleeps to force an order.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import httpx

from tests.ui import queries as q
from tests.ui import readers
from tests.ui.graphql import GraphQL
from tests.ui.processes import free_port, stop_group

ROOT = Path(__file__).resolve().parents[2]
SOCIAL_GRAPH = ROOT / ".venv" / "bin" / "social-graph"
# The simulator's clock runs 20x faster: job latencies of 1-4 s become 50-200 ms.
SIM_TIME_SCALE = "0.05"
READY_DEADLINE_S = 300
SECRET_VARIABLES = ("NYNE_API_KEY", "NYNE_API_SECRET")
T = TypeVar("T")


class StackError(AssertionError):
    """The stack did something else than expected in time; carries the server log's tail."""


class Stack:
    """``social-graph dev`` on a free port; ``stop()`` leaves no process behind.

    ``api_env`` (``NYNE_BASE_URL`` and the credentials of an API the caller runs) starts it with
    ``--no-simulator``; without it, its embedded simulator runs at ``sim_time_scale``.
    ``targets`` is the target list's text (default: a copy of targets.example.yaml).
    """

    def __init__(self, workdir: Path, log_path: Path, *, targets: str | None = None,
                 api_env: Mapping[str, str] | None = None,
                 sim_time_scale: str = SIM_TIME_SCALE):
        self.workdir = workdir
        self.home = workdir / "dagster_home"
        self.data = workdir / "data"
        self.targets = workdir / "targets.yaml"
        self.targets_text = targets
        self.api_env = dict(api_env or {})
        self.sim_time_scale = sim_time_scale
        self.log_path = log_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.gql = GraphQL(self.base_url)
        self.proc: subprocess.Popen | None = None
        self.loaded_entry: dict | None = None
        self._log = None

    # -- lifecycle -------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = {
            "HOME": str(self.workdir / "home"),
            # Deliberately nothing of .venv/bin: the code location must load without it.
            "PATH": "/usr/bin:/bin",
            "DAGSTER_HOME": str(self.home),
            "SOCIAL_DATA_DIR": str(self.data),
            "SOCIAL_TARGETS_FILE": str(self.targets),
            **self.api_env,
        }
        if "CI" in os.environ:
            env["CI"] = os.environ["CI"]
        return env

    def command(self) -> list[str]:
        simulator = (["--no-simulator"] if self.api_env
                     else ["--sim-time-scale", self.sim_time_scale])
        return [str(SOCIAL_GRAPH), "dev", "--port", str(self.port), *simulator]

    def start(self) -> None:
        for folder in (self.home, self.data, self.workdir / "home"):
            folder.mkdir(parents=True, exist_ok=True)
        if self.targets_text is None:
            shutil.copyfile(ROOT / "targets.example.yaml", self.targets)
        else:
            self.targets.write_text(self.targets_text)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", buffering=1)
        shown = {k: "***" if k in SECRET_VARIABLES else v for k, v in self.env().items()}
        self._log.write(f"# social-graph {' '.join(self.command()[1:])}\n# env: {shown}\n")
        self.proc = subprocess.Popen(
            self.command(), cwd=self.workdir, env=self.env(), stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def stop(self, grace_s: float = 20.0) -> list[int]:
        """SIGTERM to the whole group, SIGKILL after ``grace_s``, then to any process of this
        stack that left the group; returns pids still alive afterwards (none expected)."""
        self.gql.close()
        if self.proc is None:
            return []
        left = stop_group(self.proc, self.home, grace_s)
        if self._log:
            self._log.close()
        return left

    # -- waiting ---------------------------------------------------------------------------

    def log_tail(self, lines: int = 60) -> str:
        """The server log's last lines, without the per-output and per-check chatter of runs
        (the whole log is kept)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        noise = (" - STEP_OUTPUT - ", " - ASSET_CHECK_EVALUATION - ", " - HANDLED_OUTPUT - ",
                 "BetaWarning", "return fn(*args, **kwargs)")
        kept = [line for line in text.splitlines() if not any(n in line for n in noise)]
        return "\n".join(kept[-lines:])

    def fail(self, message: str) -> StackError:
        return StackError(f"{message}\n--- tail of {self.log_path} ---\n{self.log_tail()}")

    def wait_for(self, what: str, probe: Callable[[], T | None], timeout_s: float,
                 interval_s: float = 2.0) -> T:
        """Polls ``probe`` until it returns something truthy; fails after ``timeout_s`` with
        ``what`` and the server log's tail. Also fails at once if the stack died."""
        deadline = time.monotonic() + timeout_s
        last_error: Exception | None = None
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise self.fail(f"social-graph dev exited with {self.proc.returncode} while "
                                f"waiting for {what}")
            try:
                value = probe()
                if value:
                    return value
                last_error = None
            except (httpx.HTTPError, AssertionError) as exc:
                last_error = exc
            if time.monotonic() > deadline:
                extra = f" (last error: {last_error})" if last_error else ""
                raise self.fail(f"timed out after {timeout_s:.0f} s waiting for {what}{extra}"
                                f"\n--- runs in flight ---\n{self._in_flight()}")
            time.sleep(interval_s)

    def _in_flight(self) -> str:
        try:
            return readers.describe_in_flight(self.gql)
        except Exception as exc:  # noqa: BLE001 - only for a message
            return f"(could not list them: {exc})"

    def wait_until_loaded(self, timeout_s: float = READY_DEADLINE_S,
                          interval_s: float = 2.0) -> dict:
        """Waits until the code location's load finished (LOADED: with or without an error);
        returns its workspace entry."""

        def loaded():
            data = self.gql(q.LOCATIONS)["workspaceOrError"]
            for entry in data.get("locationEntries") or []:
                if entry["name"] == q.LOCATION and entry["loadStatus"] == "LOADED":
                    return entry
            return None

        return self.wait_for(f"code location {q.LOCATION!r} to be LOADED", loaded, timeout_s,
                             interval_s)
