"""The real stack under test: ``social-graph dev`` (simulator + ``dagster dev``) in a subprocess.

It runs in its own process group with a minimal environment (nothing of the venv on PATH) and a
fresh instance, data dir and target list in a temporary folder. Everything here waits for an
outcome with a deadline; nothing sleeps to force an order.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[2]
SOCIAL_GRAPH = ROOT / ".venv" / "bin" / "social-graph"
LOCATION = "social_graph"
REPOSITORY = "__repository__"
# The simulator's clock runs 20x faster: job latencies of 1-4 s become 50-200 ms.
SIM_TIME_SCALE = "0.05"
READY_DEADLINE_S = 300
T = TypeVar("T")


class StackError(AssertionError):
    """The stack did something else than expected in time; carries the server log's tail."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GraphQL:
    """A small client of the webserver's ``/graphql``."""

    def __init__(self, base_url: str):
        self.url = f"{base_url}/graphql"
        self._http = httpx.Client(timeout=httpx.Timeout(120.0, connect=10.0))

    def __call__(self, query: str, **variables: Any) -> dict:
        response = self._http.post(self.url, json={"query": query, "variables": variables})
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def close(self) -> None:
        self._http.close()


class Stack:
    """``social-graph dev`` on a free port; ``stop()`` leaves no process behind."""

    def __init__(self, workdir: Path, artifacts: Path):
        self.workdir = workdir
        self.artifacts = artifacts
        self.home = workdir / "dagster_home"
        self.data = workdir / "data"
        self.targets = workdir / "targets.yaml"
        self.log_path = artifacts / "server.log"
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
        }
        if "CI" in os.environ:
            env["CI"] = os.environ["CI"]
        return env

    def start(self) -> None:
        for folder in (self.home, self.data, self.workdir / "home"):
            folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "targets.example.yaml", self.targets)
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", buffering=1)
        self._log.write(f"# social-graph dev --port {self.port} --sim-time-scale {SIM_TIME_SCALE}"
                        f"\n# env: {self.env()}\n")
        self.proc = subprocess.Popen(
            [str(SOCIAL_GRAPH), "dev", "--port", str(self.port),
             "--sim-time-scale", SIM_TIME_SCALE],
            cwd=self.workdir, env=self.env(), stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def stop(self, grace_s: float = 20.0) -> list[int]:
        """SIGTERM to the whole group, SIGKILL after ``grace_s``; returns pids still alive
        afterwards (none expected)."""
        self.gql.close()
        if self.proc is None:
            return []
        pgid = self.proc.pid  # start_new_session: the group id is the leader's pid
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and _group_alive(pgid):
            time.sleep(0.2)
        if _group_alive(pgid):
            _signal_group(pgid, signal.SIGKILL)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        # A process that left the group (a run worker in a new session) still carries this
        # stack's DAGSTER_HOME in its environment: find those by pid and kill them too.
        strays = self._strays()
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        end = time.monotonic() + 10
        while time.monotonic() < end and (_group_alive(pgid) or self._strays()):
            time.sleep(0.2)
        if self._log:
            self._log.close()
        return sorted(set(self._strays()) | set(_group_members(pgid)))

    def _strays(self) -> list[int]:
        marker = f"DAGSTER_HOME={self.home}".encode()
        mine = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state != "Z" and marker in environ.split(b"\0"):
                mine.append(int(entry.name))
        return mine

    # -- waiting ---------------------------------------------------------------------------

    def log_tail(self, lines: int = 60) -> str:
        """The server log's last lines, without the per-output and per-check chatter of runs
        (the whole log is in the artifacts)."""
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
        from tests.ui import queries

        try:
            return queries.describe_in_flight(self.gql)
        except Exception as exc:  # noqa: BLE001 - only for a message
            return f"(could not list them: {exc})"

    def wait_until_loaded(self) -> dict:
        """Waits until the code location's load finished (LOADED: with or without an error);
        returns its workspace entry."""
        from tests.ui import queries

        def loaded():
            data = self.gql(queries.LOCATIONS)["workspaceOrError"]
            for entry in data.get("locationEntries") or []:
                if entry["name"] == LOCATION and entry["loadStatus"] == "LOADED":
                    return entry
            return None

        return self.wait_for(f"code location {LOCATION!r} to be LOADED", loaded,
                             READY_DEADLINE_S)


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields: state, ppid, pgrp, ...; a zombie is already dead, only not reaped yet
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _group_alive(pgid: int) -> bool:
    return bool(_group_members(pgid))
