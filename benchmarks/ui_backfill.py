"""Overhead of a UI-style backfill of ``followers``/``following`` over N account partitions.

    .venv/bin/python -m benchmarks.ui_backfill [--sizes 500,1000] [--quick] [--repeat K]

For each N (and each repeat), two measurements against a fresh simulator with the same config:

* BASELINE, "the API's own time": the project's own client (``NyneApi(...).client()``) doing
  the N ``followers,following`` lookups (submit + polls), ``max_concurrent_lookups`` (8) at a
  time, in a process of its own, no Dagster at all.
* PROJECT: ``social-graph dev --no-simulator`` (webserver + daemon, fresh ``DAGSTER_HOME``),
  the N partitions registered in the instance, then the GraphQL mutation
  ``launchPartitionBackfill`` exactly as the UI's "Materialize -> Launch backfill" sends it
  (``assetSelection`` + ``partitionNames`` + ``fromFailure: false`` + the ``dagster/from_ui``
  tag + ``runConfigData`` as YAML), timed from the mutation to the backfill's completion, with
  its phases read from stored timestamps (the run record, the run's event log, the backfill's
  own daemon log) and the simulator's request log.

The client's limiter and polling are scaled like the simulator (run config
``resources.nyne.config`` for the project, the same values for the baseline). The warehouse
sensor is stopped before the backfill (``--keep-warehouse-sensor`` leaves it on), so a dbt build
it would start after the collection run does not compete for the CPU while the backfill is
being completed. Prints one report (a markdown table, the fits, PASS/MISS, where the overhead
goes) and writes it to ``benchmarks/UI_BACKFILL.md``. Not part of the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

PROJECT = Path(__file__).resolve().parents[1]
SOCIAL_GRAPH = PROJECT / ".venv" / "bin" / "social-graph"
RESULTS = Path(__file__).resolve().parent / "UI_BACKFILL.md"
LOCATION = "social_graph"
REPOSITORY = "__repository__"
ASSETS = ("followers", "following")
PARTITIONS_DEF = "accounts"
DEFAULT_SIZES = (500, 1000)
QUICK_SIZES = (50, 100)
# 1 provider hour = 18 s: N = 1000 lookups (>= 2,000 requests) take a few hour windows.
DEFAULT_TIME_SCALE = 0.005
TARGET_PER_PARTITION_S = 0.05  # the issue: at most this much per partition beyond the API
# "A fixed cost that grows with N": the fixed phases (daemon tick waits excluded) may differ by
# at most this much between the smallest and the largest N (fitted), else it is growing.
FIXED_GROWTH_TOLERANCE_S = 1.0
FIXED_GROWTH_TOLERANCE_SHARE = 0.10
# The backfill daemon evaluates backfills every 30 s (dagster/_daemon/backfill.py,
# DEFAULT_DAEMON_INTERVAL_SECONDS, not configurable): a backfill waits 0-30 s for the evaluation
# that starts it and 0-30 s, after its run, for the one that completes it; 15 s on average.
TICK_MEAN_S = 15.0
RAW = Path(__file__).resolve().parent / "ui_backfill" / "last_run.json"
# Guards, not paces: a lookup may wait for a whole (scaled) hour window before its next poll.
LOOKUP_TIMEOUT_S = 600.0
READY_DEADLINE_S = 600.0
BACKFILL_DEADLINE_S = 3600.0
POLL_S = 0.5
API_PATH = "/person/interactions"


def nyne_config(scale: float) -> dict[str, float]:
    """The ``nyne`` resource settings scaled like the simulator (field names of NyneApi)."""
    return {
        "minute_window_s": 60.0 * scale,
        "hour_window_s": 3600.0 * scale,
        "poll_interval_s": 2.0 * scale,
        "poll_max_interval_s": 30.0 * scale,
        "retry_base_s": 1.0 * scale,
        "retry_max_s": 60.0 * scale,
        "lookup_timeout_s": LOOKUP_TIMEOUT_S,
    }


PRODUCT_PATHS = ("social_assets", "resources", "sensors", "simulator", "workspace.yaml",
                 "pyproject.toml")


def code_version() -> tuple[str, str]:
    """(git commit + dirty product paths, a hash of every product source file's bytes): the
    product is edited by others while this runs, so the report says which code it measured."""
    import hashlib

    def git(*cmd: str) -> str:
        done = subprocess.run(["git", *cmd], cwd=PROJECT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else "?"

    commit = git("rev-parse", "--short", "HEAD")
    dirty = [line.split(maxsplit=1)[-1] for line in
             git("status", "--porcelain", "--", *PRODUCT_PATHS).splitlines() if line.strip()]
    digest = hashlib.sha256()
    for name in PRODUCT_PATHS:
        root = PROJECT / name
        files = [root] if root.is_file() else sorted(
            f for f in root.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        for f in files:
            digest.update(str(f.relative_to(PROJECT)).encode() + b"\0" + f.read_bytes())
    label = commit + (f" + uncommitted changes in {', '.join(dirty)}" if dirty else "")
    return label, digest.hexdigest()[:12]


def loadavg() -> tuple[float, float, float]:
    return tuple(round(x, 2) for x in os.getloadavg())  # type: ignore[return-value]


def fmt_load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pick_usernames(world, n: int) -> list[str]:
    """N real Twitter/X usernames of the simulator's world whose ``tw_`` key is canonical."""
    from social_assets.targets import parse_partition_key

    names: list[str] = []
    for account in world.accounts("twitter"):
        key = f"tw_{account.username}"
        try:
            if parse_partition_key(PARTITIONS_DEF, key) == ("twitter", account.username):
                names.append(account.username)
        except ValueError:
            continue
        if len(names) == n:
            return names
    raise SystemExit(f"the simulator's world has only {len(names)} usable Twitter accounts, "
                     f"fewer than N = {n}")


# -- the simulator's side of a measurement --------------------------------------------------


@dataclass
class SimStats:
    submits: int
    polls: int
    requests: int
    status_429: int
    status_404: int
    other_errors: int
    credits: int
    charges: int
    first_at: Optional[float]
    last_at: Optional[float]
    hour_limit_at: Optional[float]  # when the rate_per_hour-th request was answered
    final_poll_at: dict[str, float] = field(repr=False, default_factory=dict)

    @property
    def span_s(self) -> Optional[float]:
        if self.first_at is None or self.last_at is None:
            return None
        return self.last_at - self.first_at


def sim_stats(sim) -> SimStats:
    log = [r for r in sim.request_log if r.path == API_PATH]
    ats = sorted(r.at for r in log)
    final: dict[str, float] = {}
    for r in log:
        if r.method == "GET" and r.status == 200 and r.request_id:
            final[r.request_id] = max(final.get(r.request_id, 0.0), r.at)
    hour_limit = sim.config.rate_per_hour
    return SimStats(
        submits=sum(1 for r in log if r.method == "POST" and r.status == 202),
        polls=sum(1 for r in log if r.method == "GET"),
        requests=len(log),
        status_429=sum(1 for r in log if r.status == 429),
        status_404=sum(1 for r in log if r.status == 404),
        other_errors=sum(1 for r in log if r.status is None
                         or (r.status >= 400 and r.status not in (404, 429))),
        credits=sim.credits_used,
        charges=len(sim.charges),
        first_at=ats[0] if ats else None,
        last_at=ats[-1] if ats else None,
        hour_limit_at=(ats[hour_limit - 1] - ats[0]) if len(ats) >= hour_limit else None,
        final_poll_at=final,
    )


# -- BASELINE: the project's own client, no Dagster ---------------------------------------


@dataclass
class Baseline:
    n: int
    wall_s: float  # first lookup started -> last result (inside the worker)
    process_s: float  # the worker process, interpreter start included (for reference)
    ok: int
    failures: dict[str, str]
    sim: SimStats
    load_before: tuple[float, float, float]


async def _lookups(usernames: list[str], settings: dict[str, float]) -> dict[str, Any]:
    from resources.nyne import LookupRequest
    from resources.nyne_api import NyneApi

    api = NyneApi(**settings)  # base URL and credentials from the environment, as in a run
    failures: dict[str, str] = {}
    ok = 0
    async with api.client() as client:  # NyneClient: max_concurrent_lookups (8) at once

        async def one(username: str) -> None:
            nonlocal ok
            request = LookupRequest("twitter", "followers,following", username=username,
                                    max_results=api.max_results)
            try:
                await client.lookup(request)
                ok += 1
            except Exception as exc:  # noqa: BLE001 - reported, not hidden
                failures[username] = client.redact(f"{type(exc).__name__}: {exc}")

        start = time.time()
        await asyncio.gather(*(one(u) for u in usernames))
        end = time.time()
    return {"start": start, "end": end, "ok": ok, "failures": failures,
            "limiter_waited_s": client.limiter.waited_s}


def baseline_worker(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    result = asyncio.run(_lookups(spec["usernames"], spec["settings"]))
    print(json.dumps(result))
    return 0


def run_baseline(n: int, usernames: list[str], scale: float, workdir: Path) -> Baseline:
    from simulator import SimulatorConfig, SimulatorServer

    load = loadavg()
    spec = workdir / f"baseline-{n}.json"
    spec.write_text(json.dumps({"usernames": usernames, "settings": nyne_config(scale)}))
    with SimulatorServer(SimulatorConfig(time_scale=scale), port=0) as sim:
        env = {"HOME": str(workdir / "home"), "PATH": "/usr/bin:/bin",
               "NYNE_BASE_URL": sim.url, "NYNE_API_KEY": sim.config.api_key,
               "NYNE_API_SECRET": sim.config.api_secret}
        started = time.time()
        done = subprocess.run([sys.executable, "-m", "benchmarks.ui_backfill",
                               "--baseline-worker", str(spec)],
                              cwd=PROJECT, env=env, capture_output=True, text=True)
        process_s = time.time() - started
        if done.returncode != 0:
            raise RuntimeError(f"the baseline worker failed ({done.returncode}):\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        stats = sim_stats(sim)
    return Baseline(n=n, wall_s=result["end"] - result["start"], process_s=process_s,
                    ok=result["ok"], failures=result["failures"], sim=stats, load_before=load)


# -- PROJECT: social-graph dev, a backfill launched like the UI does -----------------------


class GraphQL:
    def __init__(self, base_url: str):
        import httpx

        self.url = f"{base_url}/graphql"
        self._http = httpx.Client(timeout=httpx.Timeout(120.0, connect=10.0))

    def __call__(self, query: str, **variables: Any) -> dict:
        response = self._http.post(self.url, json={"query": query, "variables": variables})
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {json.dumps(body['errors'])[:2000]}")
        return body["data"]

    def close(self) -> None:
        self._http.close()


Q_LOCATIONS = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message }
          ... on RepositoryLocation { repositories { name } }
        }
      }
    }
    ... on PythonError { message }
  }
}"""

Q_DAEMONS = """
query { instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } } }"""

Q_SENSOR = """
query($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { name sensorState { id status } }
    ... on SensorNotFoundError { message }
    ... on PythonError { message }
  }
}"""

M_STOP_SENSOR = """
mutation($id: String) {
  stopSensor(id: $id) {
    __typename
    ... on StopSensorMutationResult { instigationState { status } }
    ... on PythonError { message }
    ... on UnauthorizedError { message }
  }
}"""

Q_PARTITION_KEYS = """
query($key: AssetKeyInput!) {
  assetNodeOrError(assetKey: $key) {
    __typename
    ... on AssetNode { partitionKeys }
    ... on AssetNotFoundError { message }
  }
}"""

# The mutation of the UI (ui-core/src/instance/backfill/BackfillUtils.tsx), same result types.
M_LAUNCH = """
mutation LaunchPartitionBackfill($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PartitionSetNotFoundError { message }
    ... on PartitionKeysNotFoundError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on InvalidOutputError { stepKey invalidOutputName }
    ... on UnauthorizedError { message }
    ... on PipelineNotFoundError { message }
    ... on RunConflict { message }
    ... on ConflictingExecutionParamsError { message }
    ... on PresetNotFoundError { message }
    ... on RunConfigValidationInvalid { pipelineName errors { message path reason } }
    ... on InvalidSubsetError { message }
    ... on PythonError { message stack }
  }
}"""

Q_BACKFILL = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill {
      id status timestamp endTimestamp numPartitions
      error { message }
      runs { runId status creationTime startTime endTime }
    }
    ... on BackfillNotFoundError { message }
    ... on PythonError { message }
  }
}"""

Q_RUN = """
query($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      runId status creationTime startTime endTime
      tags { key value }
      stats {
        __typename
        ... on RunStatsSnapshot {
          enqueuedTime launchTime startTime endTime materializations stepsSucceeded stepsFailed
        }
      }
    }
    ... on RunNotFoundError { message }
    ... on PythonError { message }
  }
}"""

Q_RUNS = """
query {
  runsOrError(limit: 1000) {
    __typename
    ... on Runs { results { runId jobName status creationTime tags { key value } } }
    ... on PythonError { message }
  }
}"""

BACKFILL_DONE = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


class StackFailed(RuntimeError):
    pass


class Stack:
    """``social-graph dev --no-simulator`` in its own process group, on a fresh instance."""

    def __init__(self, workdir: Path, sim):
        self.workdir = workdir
        self.home = workdir / "dagster_home"
        self.data = workdir / "data"
        self.targets = workdir / "targets.yaml"
        self.log_path = workdir / "social-graph-dev.log"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.gql = GraphQL(self.base_url)
        self.sim = sim
        self.proc: Optional[subprocess.Popen] = None
        self._log = None

    def env(self) -> dict[str, str]:
        return {
            "HOME": str(self.workdir / "home"),
            "PATH": "/usr/bin:/bin",
            "DAGSTER_HOME": str(self.home),
            "SOCIAL_DATA_DIR": str(self.data),
            "SOCIAL_TARGETS_FILE": str(self.targets),
            "NYNE_BASE_URL": self.sim.url,
            "NYNE_API_KEY": self.sim.config.api_key,
            "NYNE_API_SECRET": self.sim.config.api_secret,
        }

    def start(self) -> None:
        for folder in (self.home, self.data, self.workdir / "home"):
            folder.mkdir(parents=True, exist_ok=True)
        self.targets.write_text("targets: []\n")
        self._log = open(self.log_path, "w", buffering=1)
        self.proc = subprocess.Popen(
            [str(SOCIAL_GRAPH), "dev", "--no-simulator", "--port", str(self.port)],
            cwd=self.workdir, env=self.env(), stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_for(self, what: str, probe: Callable[[], Any], timeout_s: float,
                 interval_s: float = 1.0) -> Any:
        import httpx

        deadline = time.monotonic() + timeout_s
        last: Optional[Exception] = None
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise StackFailed(f"social-graph dev exited ({self.proc.returncode}) while "
                                  f"waiting for {what}\n{self.log_tail()}")
            try:
                value = probe()
                if value:
                    return value
            except (httpx.HTTPError, RuntimeError) as exc:
                last = exc
            if time.monotonic() > deadline:
                raise StackFailed(f"timed out after {timeout_s:.0f} s waiting for {what}"
                                  f"{f' (last error: {last})' if last else ''}\n{self.log_tail()}")
            time.sleep(interval_s)

    def wait_ready(self) -> None:
        def loaded():
            data = self.gql(Q_LOCATIONS)["workspaceOrError"]
            for entry in data.get("locationEntries") or []:
                if entry["name"] == LOCATION and entry["loadStatus"] == "LOADED":
                    loc = entry["locationOrLoadError"] or {}
                    if loc.get("__typename") != "RepositoryLocation":
                        raise StackFailed(f"code location {LOCATION} failed to load: "
                                          f"{loc.get('message')}")
                    return entry
            return None

        def daemons():
            statuses = self.gql(Q_DAEMONS)["instance"]["daemonHealth"]["allDaemonStatuses"]
            by_type = {s["daemonType"]: s for s in statuses}
            wanted = ("BACKFILL", "QUEUED_RUN_COORDINATOR")
            return all(by_type.get(t, {}).get("healthy") for t in wanted)

        self.wait_for(f"code location {LOCATION!r} LOADED", loaded, READY_DEADLINE_S)
        self.wait_for("the backfill and run-queue daemons to be healthy", daemons,
                      READY_DEADLINE_S)

    def stop_sensor(self, name: str) -> str:
        selector = {"repositoryName": REPOSITORY, "repositoryLocationName": LOCATION,
                    "sensorName": name}
        sensor = self.gql(Q_SENSOR, selector=selector)["sensorOrError"]
        if sensor["__typename"] != "Sensor":
            raise StackFailed(f"sensor {name}: {sensor}")
        if sensor["sensorState"]["status"] != "RUNNING":
            return sensor["sensorState"]["status"]
        result = self.gql(M_STOP_SENSOR, id=sensor["sensorState"]["id"])["stopSensor"]
        if result["__typename"] != "StopSensorMutationResult":
            raise StackFailed(f"could not stop sensor {name}: {result}")
        return result["instigationState"]["status"]

    def stop(self, grace_s: float = 20.0) -> list[int]:
        """SIGTERM to the group, SIGKILL after ``grace_s``; then any process of this stack
        that left the group (found by this stack's own DAGSTER_HOME in its environment).
        Returns the pids still alive (none expected)."""
        self.gql.close()
        if self.proc is None:
            return []
        pgid = self.proc.pid
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and _group_members(pgid):
            time.sleep(0.2)
        if _group_members(pgid):
            _signal_group(pgid, signal.SIGKILL)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        for pid in self._strays():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        end = time.monotonic() + 10
        while time.monotonic() < end and (_group_members(pgid) or self._strays()):
            time.sleep(0.2)
        if self._log:
            self._log.close()
        return sorted(set(self._strays()) | set(_group_members(pgid)))

    def _strays(self) -> list[int]:
        marker = f"DAGSTER_HOME={self.home}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state != "Z" and marker in environ.split(b"\0"):
                found.append(int(entry.name))
        return found


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
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


@dataclass
class RunTimeline:
    """What the run's event log says (timestamps are epoch seconds)."""

    counts: dict[str, int]
    first: dict[str, float]
    last: dict[str, float]
    mats: dict[str, int]  # materializations per asset in this run
    mat_times: list[tuple[float, str, str, Optional[str]]]  # (ts, asset, partition, request_id)
    logs_by_key: dict[str, float]  # the "<key>: ..." progress line of each key
    step_failure: Optional[str]


@dataclass
class Project:
    n: int
    backfill_id: Optional[str] = None
    status: Optional[str] = None
    t0: float = 0.0  # the mutation was sent
    t_observed_done: Optional[float] = None  # our poll saw the terminal status
    backfill_ts: Optional[float] = None
    backfill_end: Optional[float] = None
    runs: list[dict] = field(default_factory=list)
    all_runs: list[dict] = field(default_factory=list)
    run_stats: Optional[dict] = None
    timeline: Optional[RunTimeline] = None
    evaluations: list[float] = field(default_factory=list)  # "Evaluating asset backfill" times
    backfill_log: list[tuple[float, str]] = field(default_factory=list)
    materialized_partitions: dict[str, int] = field(default_factory=dict)
    sim: Optional[SimStats] = None
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    warehouse_sensor: str = "RUNNING"
    error: Optional[str] = None
    setup_s: float = 0.0
    leftover_pids: list[int] = field(default_factory=list)
    own_work: Optional[OwnWork] = None

    # -- phases ------------------------------------------------------------------------

    @property
    def run(self) -> Optional[dict]:
        return self.runs[0] if self.runs else None

    @property
    def total_s(self) -> Optional[float]:
        """Mutation sent -> backfill COMPLETED (the daemon's stored end timestamp)."""
        if self.backfill_end is None:
            return None
        return self.backfill_end - self.t0

    def ev(self, kind: str, last: bool = False) -> Optional[float]:
        if self.timeline is None:
            return None
        return (self.timeline.last if last else self.timeline.first).get(kind)

    @property
    def run_created(self) -> Optional[float]:
        return self.run["creationTime"] if self.run else None

    @property
    def run_start(self) -> Optional[float]:
        return self.ev("RUN_START")

    @property
    def run_end(self) -> Optional[float]:
        return self.ev("RUN_SUCCESS") or self.ev("RUN_FAILURE")

    def phases(self) -> dict[str, Optional[float]]:
        def d(a: Optional[float], b: Optional[float]) -> Optional[float]:
            return None if a is None or b is None else b - a

        # The daemon's loop: an evaluation every 30 s. Its first after the mutation starts the
        # backfill; the last one before the end timestamp completes it.
        first_eval = next((e for e in self.evaluations if e >= self.t0 - 0.5), None)
        done_eval = None
        if self.backfill_end is not None:
            done_eval = max((e for e in self.evaluations if e <= self.backfill_end + 0.5),
                            default=None)
        tl = self.timeline
        last_mat = max((m[0] for m in tl.mat_times), default=None) if tl else None
        sim = self.sim
        end = self.run_end
        # The log lines' whole seconds (+-0.5 s) are clamped into the phase they belong to.
        tick_done = work_done = None
        if done_eval is not None and end is not None and self.backfill_end is not None:
            tick_done = min(max(0.0, done_eval - end), self.backfill_end - end)
            work_done = self.backfill_end - end - tick_done
        tick_launch = work_launch = None
        if first_eval is not None and self.run_created is not None:
            tick_launch = min(max(0.0, first_eval - self.t0), self.run_created - self.t0)
            work_launch = self.run_created - self.t0 - tick_launch
        planned_n = tl.counts.get("ASSET_MATERIALIZATION_PLANNED", 0) if tl else 0
        return {
            "launch_to_run": d(self.t0, self.run_created),
            "tick_wait_launch": tick_launch,
            "daemon_work_launch": work_launch,
            "run_created_to_start": d(self.run_created, self.run_start),
            # The daemon writes one ASSET_MATERIALIZATION_PLANNED per asset and partition after
            # it created the run record and before it enqueues the run.
            "planned": d(self.run_created, self.ev("RUN_ENQUEUED")),
            "planned_events": float(planned_n),
            # With many planned events their spacing is the cost of storing one event.
            "planned_each": (d(self.ev("ASSET_MATERIALIZATION_PLANNED"),
                               self.ev("ASSET_MATERIALIZATION_PLANNED", last=True)) or 0.0)
            / (planned_n - 1) if planned_n >= 10 else None,
            "queue": d(self.ev("RUN_ENQUEUED"), self.ev("RUN_STARTING")),
            "process_start": d(self.ev("RUN_STARTING"), self.run_start),
            "run": d(self.run_start, end),
            "run_start_to_step": d(self.run_start, self.ev("STEP_START")),
            "step_to_first_request": d(self.ev("STEP_START"), sim.first_at if sim else None),
            "api_span": sim.span_s if sim else None,
            "last_request_to_last_mat": d(sim.last_at if sim else None, last_mat),
            "last_mat_to_run_end": d(last_mat, end),
            # The per-partition part: the lookups and their recording, first API request ->
            # last materialization stored.
            "work_span": d(sim.first_at if sim else None, last_mat),
            "run_end_to_done": d(end, self.backfill_end),
            "tick_wait_done": tick_done,
            "daemon_work_done": work_done,
        }

    def fixed_s(self, with_tick_waits: bool) -> Optional[float]:
        """Everything but the per-partition part (first API request -> last materialization):
        mutation -> first API request, and last materialization -> COMPLETED; optionally
        without the daemon's two tick waits."""
        p = self.phases()
        if self.total_s is None or p["work_span"] is None:
            return None
        total = self.total_s - p["work_span"]
        if not with_tick_waits:
            if p["tick_wait_launch"] is None or p["tick_wait_done"] is None:
                return None
            total -= p["tick_wait_launch"] + p["tick_wait_done"]
        return total


def read_timeline(home: Path, run_id: str) -> RunTimeline:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        entries = instance.all_logs(run_id)
    counts: Counter = Counter()
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    mats: Counter = Counter()
    mat_times = []
    logs_by_key: dict[str, float] = {}
    failure = None
    for entry in entries:
        event = entry.dagster_event
        kind = event.event_type_value if event is not None else "LOG_MESSAGE"
        kind = kind.replace("PIPELINE_", "RUN_")  # the stored names of run events
        counts[kind] += 1
        first.setdefault(kind, entry.timestamp)
        last[kind] = entry.timestamp
        if kind == "ASSET_MATERIALIZATION":
            mat = entry.asset_materialization
            asset = mat.asset_key.to_user_string()
            mats[asset] += 1
            rid = mat.metadata.get("nyne/request_id")
            mat_times.append((entry.timestamp, asset, mat.partition,
                              getattr(rid, "value", None) if rid is not None else None))
        elif kind == "LOG_MESSAGE":
            message = entry.user_message or ""
            key = message.split(":", 1)[0]
            if key.startswith("tw_") and ": " in message:
                logs_by_key.setdefault(key, entry.timestamp)
        elif kind == "STEP_FAILURE" and failure is None:
            failure = (event.step_failure_data.error.message if event.step_failure_data
                       and event.step_failure_data.error else entry.user_message)
    return RunTimeline(dict(counts), first, last, dict(mats), mat_times, logs_by_key, failure)


@dataclass
class OwnWork:
    """The project's own per-key work without Dagster or HTTP, replayed from the run's
    landing archive: the ledger transactions, landing (gzip + fsync), reading it back, the
    Parquet snapshots, as ``DurableLookups.fetch`` and ``collect_partitions`` do per key."""

    keys: int
    ledger_s: list[float]
    land_s: list[float]
    snapshots_s: list[float]

    def total(self) -> float:
        return sum(self.ledger_s) + sum(self.land_s) + sum(self.snapshots_s)

    def per_key_ms(self) -> tuple[float, float, float]:
        med = lambda xs: 1000 * statistics.median(xs) if xs else 0.0  # noqa: E731
        return med(self.ledger_s), med(self.land_s), med(self.snapshots_s)


def replay_own_work(data: Path, scratch: Path) -> OwnWork:
    from resources.ledger import RequestLedger
    from social_assets.durable import _credits
    from social_assets.landing import iter_landed, land, landing_path, read_landed
    from social_assets.snapshots import write_snapshots

    scratch.mkdir(parents=True, exist_ok=True)
    ledger = RequestLedger(f"sqlite:///{scratch / 'ledger.sqlite'}")
    landing, raw = scratch / "landing", scratch / "raw"
    work = OwnWork(0, [], [], [])
    for path in iter_landed(data / "landing"):
        record = read_landed(path)
        t0 = time.perf_counter()
        got = ledger.acquire(target=record.target, params=record.lookup, run_id="replay")
        ledger.submitted(got.entry.id, record.request_id)
        ledger.get(got.entry.id)
        t1 = time.perf_counter()
        land(landing, record)
        t2 = time.perf_counter()
        ledger.landed(got.entry.id, _credits(record.body))
        t3 = time.perf_counter()
        landed = read_landed(landing_path(landing, record.request_id))
        write_snapshots(landed, raw)
        t4 = time.perf_counter()
        ledger.run_credits("replay")
        ledger.done(got.entry.id)
        t5 = time.perf_counter()
        work.keys += 1
        work.ledger_s.append((t1 - t0) + (t3 - t2) + (t5 - t4))
        work.land_s.append(t2 - t1)
        work.snapshots_s.append(t4 - t3)
    return work


def materialized_counts(home: Path) -> dict[str, int]:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        return {a: len(instance.get_materialized_partitions(dg.AssetKey(a))) for a in ASSETS}


def run_project(n: int, usernames: list[str], scale: float, workdir: Path,
                keep_warehouse_sensor: bool, say: Callable[[str], None]) -> Project:
    import yaml

    from simulator import SimulatorConfig, SimulatorServer

    result = Project(n=n)
    keys = [f"tw_{u}" for u in usernames]
    with SimulatorServer(SimulatorConfig(time_scale=scale), port=0) as sim:
        stack = Stack(workdir, sim)
        setup_started = time.monotonic()
        try:
            stack.start()
            stack.wait_ready()
            if not keep_warehouse_sensor:
                result.warehouse_sensor = stack.stop_sensor("warehouse_sensor")
            import dagster as dg

            with dg.DagsterInstance.from_config(str(stack.home)) as instance:
                instance.add_dynamic_partitions(PARTITIONS_DEF, keys)
            registered = stack.gql(Q_PARTITION_KEYS, key={"path": ["followers"]})
            registered = registered["assetNodeOrError"].get("partitionKeys") or []
            if registered != keys:
                raise StackFailed(f"{len(registered)} partition keys registered, expected {n}")
            result.setup_s = time.monotonic() - setup_started
            params = {
                "tags": [{"key": "dagster/from_ui", "value": "true"}],
                "assetSelection": [{"path": [a]} for a in ASSETS],
                "partitionNames": keys,
                "fromFailure": False,
                "runConfigData": yaml.safe_dump(
                    {"resources": {"nyne": {"config": nyne_config(scale)}}}, sort_keys=False),
            }
            result.load_before = loadavg()
            say(f"  project N={n}: launching the backfill (load {fmt_load(result.load_before)})")
            result.t0 = time.time()
            launched = stack.gql(M_LAUNCH, backfillParams=params)["launchPartitionBackfill"]
            if launched["__typename"] != "LaunchBackfillSuccess":
                raise StackFailed(f"launchPartitionBackfill: {json.dumps(launched)[:2000]}")
            result.backfill_id = launched["backfillId"]
            deadline = time.monotonic() + BACKFILL_DEADLINE_S
            while True:
                backfill = stack.gql(Q_BACKFILL, id=result.backfill_id)["partitionBackfillOrError"]
                if backfill["__typename"] != "PartitionBackfill":
                    raise StackFailed(f"partitionBackfillOrError: {backfill}")
                if backfill["status"] in BACKFILL_DONE:
                    result.t_observed_done = time.time()
                    break
                if time.monotonic() > deadline:
                    raise StackFailed(f"the backfill is still {backfill['status']} after "
                                      f"{BACKFILL_DEADLINE_S:.0f} s")
                time.sleep(POLL_S)
            result.status = backfill["status"]
            result.backfill_ts = backfill["timestamp"]
            result.backfill_end = backfill["endTimestamp"]
            if backfill.get("error"):
                result.error = backfill["error"]["message"]
            result.runs = sorted(backfill["runs"] or [], key=lambda r: r["creationTime"])
            runs = stack.gql(Q_RUNS)["runsOrError"]
            result.all_runs = runs.get("results") or []
            if result.run:
                run = stack.gql(Q_RUN, runId=result.run["runId"])["runOrError"]
                result.run_stats = run
        except Exception as exc:  # noqa: BLE001 - reported with evidence
            result.error = f"{type(exc).__name__}: {exc}"
            say(f"  project N={n}: ERROR {result.error}\n{stack.log_tail(30)}")
        finally:
            result.leftover_pids = stack.stop()
        result.sim = sim_stats(sim)
    if result.backfill_id:
        result.backfill_log = daemon_log(stack.log_path, result.backfill_id)
        result.evaluations = [t for t, m in result.backfill_log
                              if m.startswith("Evaluating asset backfill")]
    if result.run:
        try:
            result.timeline = read_timeline(stack.home, result.run["runId"])
            result.materialized_partitions = materialized_counts(stack.home)
        except Exception as exc:  # noqa: BLE001
            result.error = (result.error or "") + f" (event log: {type(exc).__name__}: {exc})"
    try:
        result.own_work = replay_own_work(stack.data, workdir / "replay")
    except Exception as exc:  # noqa: BLE001
        say(f"  (the replay of the project's own per-key work failed: {type(exc).__name__}: {exc})")
    return result


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_DAEMON_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}) - "
                          r"dagster\.daemon\.BackfillDaemon - \w+ - (.*)$")


def daemon_log(path: Path, backfill_id: str) -> list[tuple[float, str]]:
    """The backfill daemon's lines about this backfill in ``dagster dev``'s output (OSS keeps
    no backfill log storage, so its GraphQL ``logEvents`` is empty). The lines carry whole
    seconds: each time is the middle of its second (+-0.5 s)."""
    lines = []
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return []
    for raw in text.splitlines():
        match = _DAEMON_LINE.match(_ANSI.sub("", raw))
        if match and backfill_id in match.group(2):
            at = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S %z").timestamp() + 0.5
            lines.append((at, match.group(2)))
    return lines


# -- the report ------------------------------------------------------------------------------


def fit(points: list[tuple[float, float]]) -> Optional[tuple[float, float]]:
    """Least squares y = a + b x; None with fewer than two distinct x."""
    if len({x for x, _ in points}) < 2:
        return None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


def s(value: Optional[float], digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def pct(values: list[float], q: float) -> Optional[float]:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


@dataclass
class Pair:
    baseline: Baseline
    project: Project
    scale: float

    @property
    def n(self) -> int:
        return self.project.n

    @property
    def overhead(self) -> Optional[float]:
        if self.project.total_s is None:
            return None
        return self.project.total_s - self.baseline.wall_s

    @property
    def overhead_no_ticks(self) -> Optional[float]:
        p = self.project.phases()
        if self.overhead is None or p["tick_wait_launch"] is None or p["tick_wait_done"] is None:
            return None
        return self.overhead - p["tick_wait_launch"] - p["tick_wait_done"]

    def problems(self) -> list[str]:
        pr, b = self.project, self.baseline
        out = []
        if pr.error:
            out.append(f"error: {pr.error}")
        if pr.status and pr.status not in ("COMPLETED", "COMPLETED_SUCCESS"):
            out.append(f"backfill ended {pr.status}")
        if len(pr.runs) != 1:
            out.append(f"{len(pr.runs)} runs created for one contiguous selection (expected 1): "
                       + ", ".join(f"{r['runId'][:8]} {r['status']}" for r in pr.runs[:10]))
        other = [r for r in pr.all_runs if r["runId"] not in {x["runId"] for x in pr.runs}]
        if other:
            out.append(f"{len(other)} other run(s) on the instance: "
                       + ", ".join(f"{r['jobName']} {r['status']}" for r in other[:5]))
        if pr.run and pr.run["status"] != "SUCCESS":
            out.append(f"run {pr.run['runId'][:8]} ended {pr.run['status']}")
        if pr.timeline and pr.timeline.step_failure:
            out.append(f"step failure: {pr.timeline.step_failure[:800]}")
        if pr.timeline:
            for asset in ASSETS:
                if pr.timeline.mats.get(asset, 0) != self.n:
                    out.append(f"{asset}: {pr.timeline.mats.get(asset, 0)} materializations in "
                               f"the run, expected {self.n}")
        if pr.sim and pr.sim.submits != self.n:
            out.append(f"project: {pr.sim.submits} submits, expected {self.n}")
        if b.sim.submits != self.n or b.failures:
            out.append(f"baseline: {b.sim.submits} submits, {len(b.failures)} failed lookups "
                       + "; ".join(f"{k}: {v}" for k, v in list(b.failures.items())[:3]))
        for side, st in (("baseline", b.sim), ("project", pr.sim)):
            if st and (st.status_429 or st.status_404 or st.other_errors):
                out.append(f"{side}: {st.status_429} x 429, {st.status_404} x 404, "
                           f"{st.other_errors} other errors from the simulator")
        if pr.leftover_pids:
            out.append(f"processes still alive after stop: {pr.leftover_pids}")
        return out


def where_it_goes(pair: Pair) -> list[str]:
    """The per-partition work of the run, from its event log, the simulator's log and the
    replay of the project's own per-key work."""
    pr = pair.project
    tl = pr.timeline
    if tl is None or pr.sim is None:
        return ["(no run to analyse)"]
    p = pr.phases()
    lines = []
    n_events = sum(tl.counts.values())
    counts = ", ".join(f"{k} {v}" for k, v in sorted(tl.counts.items(), key=lambda kv: -kv[1]))
    lines.append(f"events stored for the run: {n_events} ({n_events / max(1, pair.n):.2f} per "
                 f"partition): {counts}")
    if p["planned_each"] is not None:
        lines.append(f"ASSET_MATERIALIZATION_PLANNED: {int(p['planned_events'])} events written "
                     f"one by one by the backfill daemon between creating the run record and "
                     f"enqueuing it: {s(p['planned'])} s, {1000 * p['planned_each']:.1f} ms per "
                     f"event (that is the instance's cost of storing one event, measured where "
                     f"nothing else runs in between)")
    elif p["planned"] is not None:
        lines.append(f"ASSET_MATERIALIZATION_PLANNED: {int(p['planned_events'])} event(s) (one per "
                     f"asset: the partitions as a subset); run created -> enqueued "
                     f"{s(p['planned'])} s")
    # Per key in the step: followers materialization, following materialization (and, in
    # versions that log one, the progress line).
    by_key: dict[str, dict[str, float]] = {}
    lag = []
    for ts, asset, partition, rid in tl.mat_times:
        by_key.setdefault(partition, {})[asset] = ts
        if asset == ASSETS[0] and rid and rid in pr.sim.final_poll_at:
            by_key[partition]["answer"] = pr.sim.final_poll_at[rid]
            lag.append(ts - pr.sim.final_poll_at[rid])
    between = [v[ASSETS[1]] - v[ASSETS[0]] for v in by_key.values()
               if ASSETS[0] in v and ASSETS[1] in v]
    to_log = [tl.logs_by_key[k] - v[ASSETS[1]] for k, v in by_key.items()
              if ASSETS[1] in v and k in tl.logs_by_key]
    # While answers wait to be recorded (the next key's answer came before this key's last
    # event), the time from one key's first event to the next key's first event is what
    # recording one key costs the step.
    ordered = sorted((v for v in by_key.values() if ASSETS[0] in v), key=lambda v: v[ASSETS[0]])
    busy = [b[ASSETS[0]] - a[ASSETS[0]] for a, b in zip(ordered, ordered[1:])
            if "answer" in b and b["answer"] < a.get(ASSETS[1], a[ASSETS[0]])]
    if between:
        lines.append(f"in the step, per key: followers -> following materialization "
                     f"{1000 * statistics.median(between):.0f} ms median (p90 "
                     f"{1000 * pct(between, 0.9):.0f}): one event stored"
                     + (f"; following -> progress log line {1000 * statistics.median(to_log):.0f} "
                        f"ms median (p90 {1000 * pct(to_log, 0.9):.0f}): the next event stored + "
                        f"a ledger commit" if to_log else "; no per-key log event"))
    if busy:
        lines.append(f"recording one key while answers waited (first event of a key -> first "
                     f"event of the next, {len(busy)} of {pair.n} keys): "
                     f"{1000 * statistics.median(busy):.0f} ms median (p90 "
                     f"{1000 * pct(busy, 0.9):.0f}) = {statistics.median(busy) * pair.n:.1f} s "
                     f"for {pair.n} keys if every key queued")
    own = pr.own_work
    if own and own.keys:
        led, lan, snap = own.per_key_ms()
        lines.append(f"the project's own per-key work without Dagster (replayed from the run's "
                     f"{own.keys} landed answers): ledger {led:.1f} ms + landing {lan:.1f} ms + "
                     f"Parquet {snap:.1f} ms median per key; {own.total():.1f} s in all")
    if lag:
        lines.append(f"answer -> recorded (the simulator answered the final poll -> followers "
                     f"materialization stored): median {1000 * statistics.median(lag):.0f} ms, "
                     f"p90 {1000 * pct(lag, 0.9):.0f} ms, max {1000 * max(lag):.0f} ms")
    b = pair.baseline.sim
    window = 3600 * pair.scale
    window += min(1.0, 0.05 * window)  # the client's limiter adds its safety margin
    if b.hour_limit_at is not None and pr.sim.hour_limit_at is not None:
        hidden = pr.sim.hour_limit_at <= window
        lines.append(f"the first hour window's worth of requests (rate_per_hour) took: baseline "
                     f"{b.hour_limit_at:.1f} s, project {pr.sim.hour_limit_at:.1f} s; the client "
                     f"may send more only {window:.1f} s after the first request, so "
                     + ("the project's slower pace is hidden by the rate limit here"
                        if hidden else "the project's per-key work is NOT hidden by the rate "
                        "limit: the lookups are CPU-bound in the run"))
    if b.span_s is not None and pr.sim.span_s is not None:
        line = (f"API span (first -> last request): baseline {b.span_s:.1f} s, project "
                f"{pr.sim.span_s:.1f} s (+{pr.sim.span_s - b.span_s:.1f} s, "
                f"{1000 * (pr.sim.span_s - b.span_s) / pair.n:.0f} ms per key); requests: "
                f"baseline {b.requests}, project {pr.sim.requests}")
        if busy and not to_log:
            api_ms = 1000 * b.span_s / pair.n
            rec_ms = 1000 * statistics.median(busy)
            line += (f"; the step records a key every ~{rec_ms:.0f} ms when answers wait, the "
                     f"API alone answers one every {api_ms:.0f} ms (baseline span / N): "
                     + ("recording is the bottleneck" if rec_ms > api_ms else
                        "the API is the bottleneck"))
        if between and to_log and own and own.keys:
            dagster_ms = 1000 * (statistics.median(between) + statistics.median(to_log))
            own_ms = sum(own.per_key_ms())
            rest = 1000 * (pr.sim.span_s - b.span_s) / pair.n - dagster_ms - own_ms
            line += (f"; per key ~{dagster_ms:.0f} ms around Dagster's two materialization "
                     f"events + ~{own_ms:.0f} ms of the project's own work, {rest:+.0f} ms "
                     f"not attributed (the progress line's own event, HTTP and JSON work, "
                     f"overlaps)")
        lines.append(line)
    if pair.overhead is not None:
        parts = [("tick waits of the backfill daemon (0-30 s each)",
                  (p["tick_wait_launch"] or 0) + (p["tick_wait_done"] or 0)),
                 ("daemon evaluations (launch + completion), planned events excluded",
                  (p["daemon_work_launch"] or 0) + (p["daemon_work_done"] or 0)),
                 ("run created -> enqueued (daemon: planned events)", p["planned"] or 0),
                 ("run queue (QueuedRunCoordinator, 5 s loop)", p["queue"] or 0),
                 ("run worker process start (imports, code location)", p["process_start"] or 0),
                 ("RUN_START -> first API request (resources, step start, ledger open)",
                  (p["run_start_to_step"] or 0) + (p["step_to_first_request"] or 0)),
                 ("lookups + recording (first API request -> last materialization) minus the "
                  "baseline's API span", (p["work_span"] or 0) - (b.span_s or 0)),
                 ("last materialization -> RUN_SUCCESS", p["last_mat_to_run_end"] or 0)]
        accounted = sum(v for _, v in parts)
        lines.append("overhead split: " + "; ".join(f"{name} {v:.1f} s" for name, v in parts)
                     + f"; sum {accounted:.1f} s of {pair.overhead:.1f} s (the rest: baseline "
                     f"wall vs its API span, {pair.baseline.wall_s - (b.span_s or 0):.1f} s)")
    return lines


def report(pairs: list[Pair], args, load_start, load_end, started: datetime,
           version_start: tuple[str, str], version_end: tuple[str, str], *, command: str) -> str:
    out: list[str] = []
    w = out.append
    w("# UI backfill overhead: project vs the API's own time\n")
    w(f"`{command}` on "
      f"{started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, Python "
      f"{platform.python_version()}, dagster {_version('dagster')}; simulator time_scale "
      f"{args.time_scale} (1 provider minute = {60 * args.time_scale:.2f} s, 1 hour = "
      f"{3600 * args.time_scale:.1f} s), otherwise its defaults; client `resources.nyne.config` "
      f"(run config of the backfill, and the baseline's NyneApi) = "
      f"`{json.dumps(nyne_config(args.time_scale))}`; warehouse sensor "
      f"{'left on' if args.keep_warehouse_sensor else 'stopped before the backfill'}; "
      f"each size measured {args.repeat} time(s).\n")
    w(f"Product code: {version_start[0]} (source hash {version_start[1]})"
      + ("" if version_start == version_end else
         f"; CHANGED while the benchmark ran, at the end: {version_end[0]} (source hash "
         f"{version_end[1]}): the sizes may have measured different code") + ".\n")
    w(f"Load average (1/5/15 min): start {fmt_load(load_start)}, end {fmt_load(load_end)}.\n")
    w("Project = `launchPartitionBackfill` mutation sent -> backfill COMPLETED (the daemon's "
      "stored end timestamp). Baseline = first lookup started -> last result, the project's "
      "client alone (8 lookups at a time).\n")
    w("| N | baseline s | project s | overhead s | overhead / N s | launch -> run created s "
      "(tick wait) | run created -> start s | run start -> end s | run end -> COMPLETED s "
      "(tick wait) | runs | materialized followers / following | submits base / proj | "
      "credits base / proj | load before base / proj |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for pair in pairs:
        pr, b = pair.project, pair.baseline
        p = pr.phases()
        mats = pr.timeline.mats if pr.timeline else {}
        w(f"| {pair.n} | {s(b.wall_s)} | {s(pr.total_s)} | {s(pair.overhead)} | "
          f"{s(pair.overhead / pair.n if pair.overhead is not None else None, 3)} | "
          f"{s(p['launch_to_run'])} ({s(p['tick_wait_launch'])}) | "
          f"{s(p['run_created_to_start'])} | {s(p['run'])} | {s(p['run_end_to_done'])} "
          f"({s(p['tick_wait_done'])}) | {len(pr.runs)} | {mats.get('followers', 0)} / "
          f"{mats.get('following', 0)} | {b.sim.submits} / {pr.sim.submits if pr.sim else 'n/a'} "
          f"| {b.sim.credits} / {pr.sim.credits if pr.sim else 'n/a'} | "
          f"{b.load_before[0]:.2f} / {pr.load_before[0]:.2f} |")
    w("")
    w("Phases of the project (s): daemon = backfill daemon (times from its log lines, whole "
      "seconds, +-0.5 s); run = the run's event log; API = the simulator's request log.\n")
    w("| N | daemon: evaluation at launch | daemon: run created -> enqueued, i.e. planned events (count, ms each) | run queue "
      "(enqueued -> starting) | run process start (starting -> RUN_START) | RUN_START -> "
      "STEP_START | STEP_START -> first API request | API span project (baseline) | first API "
      "request -> last materialization | last materialization -> RUN_SUCCESS | daemon: "
      "evaluation at completion | fixed = project - (first API request -> last "
      "materialization) (without tick waits) |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for pair in pairs:
        pr = pair.project
        p = pr.phases()
        each = f"{1000 * p['planned_each']:.0f}" if p["planned_each"] is not None else "n/a"
        w(f"| {pair.n} | {s(p['daemon_work_launch'])} | {s(p['planned'])} "
          f"({int(p['planned_events'] or 0)}, {each}) | {s(p['queue'])} | "
          f"{s(p['process_start'])} | {s(p['run_start_to_step'], 2)} | "
          f"{s(p['step_to_first_request'], 2)} | {s(p['api_span'])} "
          f"({s(pair.baseline.sim.span_s)}) | {s(p['work_span'])} | "
          f"{s(p['last_mat_to_run_end'], 2)} | {s(p['daemon_work_done'])} | "
          f"{s(pr.fixed_s(True))} ({s(pr.fixed_s(False))}) |")
    w("")
    w("## Targets\n")
    for line in verdict(pairs):
        w(f"- {line}")
    w("")
    w("## Where the overhead goes (measured)\n")
    for pair in pairs:
        w(f"N = {pair.n}:\n")
        for line in where_it_goes(pair):
            w(f"- {line}")
        w("")
    problems = [(pair.n, msg) for pair in pairs for msg in pair.problems()]
    if version_start != version_end:
        problems.append((0, f"the product code changed during the benchmark ({version_start[0]} "
                            f"-> {version_end[0]}): rerun it on a quiet tree"))
    w("## Problems\n")
    if problems:
        for n, msg in problems:
            w(f"- N={n}: {msg}" if n else f"- {msg}")
    else:
        w("- none: every backfill made exactly one run, which succeeded with N materializations "
          "of each asset; no 429/404/error from the simulator; no process left behind")
    w("")
    return "\n".join(out)


def verdict(pairs: list[Pair]) -> list[str]:
    lines = []
    good = [p for p in pairs if p.overhead is not None]
    target = TARGET_PER_PARTITION_S
    mark = lambda ok: "PASS" if ok else "MISS"  # noqa: E731
    for pair in good:
        per = pair.overhead / pair.n  # type: ignore[operator]
        lines.append(f"{mark(per <= target)} per partition at N={pair.n}: overhead "
                     f"{pair.overhead:.1f} s / {pair.n} = {per:.3f} s per partition (target <= "
                     f"{target})")
    for pair in good:
        if pair.overhead_no_ticks is not None:
            per = pair.overhead_no_ticks / pair.n
            lines.append(f"({mark(per <= target)} without the backfill daemon's two tick waits, "
                         f"which are 0-30 s each whatever N: {pair.overhead_no_ticks:.1f} s / "
                         f"{pair.n} = {per:.3f} s per partition)")
    for pair in good:
        if pair.overhead_no_ticks is not None:
            expected = pair.overhead_no_ticks + 2 * TICK_MEAN_S
            per = expected / pair.n
            lines.append(f"({mark(per <= target)} with the average tick waits instead, 2 x "
                         f"{TICK_MEAN_S:.0f} s, what a UI user can expect: {expected:.1f} s / "
                         f"{pair.n} = {per:.3f} s per partition)")
    total_fit = fit([(p.n, p.overhead) for p in good])  # type: ignore[misc]
    if total_fit:
        a, b = total_fit
        sizes = sorted({p.n for p in good})
        note = ""
        if len(good) == 2:
            note = (f"; two points: an exact fit, and the tick waits alone (0-30 s each) can move "
                    f"its slope by up to {2 * 2 * TICK_MEAN_S / (sizes[-1] - sizes[0]):.3f} s per "
                    f"partition")
        lines.append(f"{mark(b <= target)} fitted per-partition cost: overhead(N) = {a:.1f} s + "
                     f"{b:.4f} s x N (least squares over {len(good)} point(s){note}; target <= "
                     f"{target} s per partition)")
    no_ticks = [(p.n, p.overhead_no_ticks) for p in good if p.overhead_no_ticks is not None]
    tick_fit = fit(no_ticks)  # type: ignore[arg-type]
    if tick_fit:
        a, b = tick_fit
        lines.append(f"({mark(b <= target)} the same fit without the daemon's tick waits: "
                     f"overhead(N) = {a:.1f} s + {b:.4f} s x N)")
    fixed = [(p.n, p.project.fixed_s(False)) for p in good if p.project.fixed_s(False) is not None]
    fixed_fit = fit(fixed)  # type: ignore[arg-type]
    if fixed_fit:
        a, b = fixed_fit
        lo, hi = min(n for n, _ in fixed), max(n for n, _ in fixed)
        growth = b * (hi - lo)
        mean = statistics.fmean(v for _, v in fixed)
        tolerance = max(FIXED_GROWTH_TOLERANCE_S, FIXED_GROWTH_TOLERANCE_SHARE * mean)
        lines.append(f"{mark(growth <= tolerance)} no fixed cost that grows with N: the fixed part "
                     f"(launch -> first API request and last materialization -> COMPLETED, the "
                     f"daemon's tick waits excluded) fits "
                     f"{a:.1f} s + {b:.4f} s x N: {growth:+.1f} s from N={lo} to N={hi} "
                     f"(tolerance {tolerance:.1f} s = max({FIXED_GROWTH_TOLERANCE_S:.0f} s, "
                     f"{100 * FIXED_GROWTH_TOLERANCE_SHARE:.0f} % of its mean))")
        planned = [(p.n, p.project.phases()["planned"]) for p in good
                   if p.project.phases()["planned"] is not None]
        pf = fit(planned)  # type: ignore[arg-type]
        if pf:
            lines.append(f"(of which run created -> enqueued, the daemon writing the planned "
                         f"events, fits {pf[0]:.1f} s + {pf[1]:.4f} s x N)")
    elif len({p.n for p in good}) < 2:
        lines.append("(no fit: fewer than two sizes measured)")
    return lines


def save_raw(path: Path, pairs: list[Pair], meta: dict) -> None:
    import dataclasses

    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"meta": meta, "pairs": [dataclasses.asdict(p) for p in pairs]}
    path.write_text(json.dumps(doc, indent=1, default=str))


def load_raw(path: Path) -> tuple[list[Pair], dict]:
    doc = json.loads(path.read_text())
    pairs = []
    for raw in doc["pairs"]:
        b, pr = dict(raw["baseline"]), dict(raw["project"])
        b["sim"] = SimStats(**b["sim"])
        b["load_before"] = tuple(b["load_before"])
        for key in ("sim",):
            pr[key] = SimStats(**pr[key]) if pr.get(key) else None
        pr["timeline"] = RunTimeline(**pr["timeline"]) if pr.get("timeline") else None
        pr["own_work"] = OwnWork(**pr["own_work"]) if pr.get("own_work") else None
        pr["load_before"] = tuple(pr["load_before"])
        pairs.append(Pair(Baseline(**b), Project(**pr), raw["scale"]))
    return pairs, doc["meta"]


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ui_backfill",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated N (default 500,1000)")
    parser.add_argument("--quick", action="store_true", help="N = 50,100 (while developing)")
    parser.add_argument("--repeat", type=int, default=1, help="measure each size K times")
    parser.add_argument("--time-scale", type=float, default=DEFAULT_TIME_SCALE,
                        help=f"simulator and client time scale (default {DEFAULT_TIME_SCALE})")
    parser.add_argument("--keep-warehouse-sensor", action="store_true",
                        help="leave the warehouse sensor on during the backfill")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the scratch folder")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the markdown report")
    parser.add_argument("--raw", type=Path, default=RAW,
                        help="where the raw measurements are saved (JSON)")
    parser.add_argument("--report-from", type=Path, metavar="JSON",
                        help="print and write the report of saved measurements; measure nothing")
    parser.add_argument("--baseline-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_worker:
        return baseline_worker(args.baseline_worker)
    if args.report_from:
        pairs, meta = load_raw(args.report_from)
        for name in ("time_scale", "keep_warehouse_sensor", "repeat"):
            setattr(args, name, meta["args"][name])
        text = report(pairs, args, tuple(meta["load_start"]), tuple(meta["load_end"]),
                      datetime.fromisoformat(meta["started"]), tuple(meta["version_start"]),
                      tuple(meta["version_end"]), command=meta["command"])
        print(text)
        args.output.write_text(text + "\n")
        print(f"\nwritten to {args.output}")
        return 0
    import warnings

    warnings.filterwarnings("ignore")
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    else:
        sizes = list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    say = lambda line: print(line, flush=True)  # noqa: E731
    started = datetime.now(timezone.utc)
    load_start = loadavg()
    version_start = code_version()
    say(f"load average at start: {fmt_load(load_start)} ({os.cpu_count()} CPUs); sizes "
        f"{sizes} x {args.repeat}, time_scale {args.time_scale}")
    from simulator.config import SimulatorConfig
    from simulator.world import World

    cfg = SimulatorConfig(time_scale=args.time_scale)
    world = World(cfg.world_seed, cfg.world_size, cfg.churn)
    scratch = Path(tempfile.mkdtemp(prefix="ui_backfill_"))
    pairs: list[Pair] = []
    try:
        for rep in range(args.repeat):
            for n in sizes:
                usernames = pick_usernames(world, n)
                workdir = scratch / f"n{n}-r{rep}"
                workdir.mkdir(parents=True)
                (workdir / "home").mkdir()
                say(f"N={n} (repeat {rep + 1}/{args.repeat}): baseline ...")
                base = run_baseline(n, usernames, args.time_scale, workdir)
                say(f"  baseline N={n}: {base.wall_s:.1f} s, {base.ok} ok, "
                    f"{len(base.failures)} failed, {base.sim.requests} requests "
                    f"(load before {fmt_load(base.load_before)})")
                say(f"N={n}: project (social-graph dev, launchPartitionBackfill) ...")
                proj = run_project(n, usernames, args.time_scale, workdir,
                                   args.keep_warehouse_sensor, say)
                say(f"  project N={n}: {s(proj.total_s)} s, status {proj.status}, "
                    f"{len(proj.runs)} run(s) (setup {proj.setup_s:.0f} s)")
                pairs.append(Pair(base, proj, args.time_scale))
    except KeyboardInterrupt:
        say("interrupted: reporting what was measured")
    except Exception:  # noqa: BLE001
        say(traceback.format_exc())
    finally:
        if args.keep_tmp:
            say(f"scratch kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    load_end = loadavg()
    version_end = code_version()
    command = " ".join([".venv/bin/python", "-m", "benchmarks.ui_backfill", *sys.argv[1:]])
    save_raw(args.raw, pairs, {
        "args": {"time_scale": args.time_scale, "keep_warehouse_sensor": args.keep_warehouse_sensor,
                 "repeat": args.repeat, "sizes": sizes},
        "command": command, "started": started.isoformat(), "load_start": load_start,
        "load_end": load_end, "version_start": version_start, "version_end": version_end})
    text = report(pairs, args, load_start, load_end, started, version_start, version_end,
                  command=command)
    print()
    print(text)
    args.output.write_text(text + "\n")
    print(f"\nwritten to {args.output} (raw measurements: {args.raw})")
    problems = [m for p in pairs for m in p.problems()]
    return 1 if problems or not pairs or version_start != version_end else 0


if __name__ == "__main__":
    sys.exit(main())
