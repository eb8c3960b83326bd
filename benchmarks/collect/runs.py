"""One measured ``social-graph collect``: the simulator and the callback receiver in this
process, ``collect`` in a process of its own, its clock and the client's scaled by one flag.

``collect --time-scale S`` scales the client (windows, polls, back-offs, timeouts, margins);
the simulator here runs at the same ``time_scale``, so the run paces exactly as a real one
would, S times faster. What the run cost is read from the simulator's request log (every
submit, poll and 429), and where its time went from the Dagster instance it used.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from benchmarks.collect.floor import floor_s

PROJECT = Path(__file__).resolve().parents[2]
API_PATH = "/person/interactions"
MODES = {"poll": "polling", "callback": "callbacks, each confirmed by a poll",
         "trusted": "callbacks, trusted (nyne.trust_callbacks)"}


@dataclass
class Outcome:
    """What one run cost and how long it took."""

    label: str
    n: int
    scale: float
    mode: str
    history: int  # latency samples the run started with (all kinds)
    lookups: int  # lookups that landed
    submits: int = 0
    polls: int = 0
    status_429: int = 0
    credits: int = 0
    api_span_s: float = 0.0  # first request sent -> last request answered (simulator's clock)
    wall_s: float = 0.0  # the whole command (Python start, Dagster, the lookups, its exit)
    before_first_s: Optional[float] = None  # command start -> first request
    after_last_s: Optional[float] = None  # last request -> command end
    hour_budget_s: Optional[float] = None  # first request -> the 1,000th (an hour's budget)
    returncode: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return self.submits + self.polls + self.status_429

    @property
    def per_lookup(self) -> float:
        return self.requests / max(1, self.lookups)

    @property
    def floor_s(self) -> float:
        return floor_s(self.requests, time_scale=self.scale)


def targets_file(path: Path, usernames: list[str]) -> Path:
    rows = "\n".join(f"  - {{platform: twitter, username: '{u}', collect: [followers, following]}}"
                     for u in usernames)
    path.write_text("targets:\n" + rows + "\n")
    return path


def run_collect(label: str, usernames: list[str], *, scale: float, mode: str, group: Path,
                run_dir: Path, say) -> Outcome:
    """``collect`` of ``usernames`` (one followers,following lookup each) against a fresh
    simulator at ``scale``, with a fresh instance and data dir in ``run_dir`` and the ledger
    (so the latency history) of ``group``."""
    from resources.callbacks import CallbackInbox, CallbackReceiver
    from resources.lookups.ledger.latencies import LatencyLog
    from simulator import SimulatorConfig, SimulatorServer

    run_dir.mkdir(parents=True, exist_ok=True)
    ledger_url = f"sqlite:///{group / 'ledger.sqlite'}"
    history = len(LatencyLog(ledger_url).recent())
    targets = targets_file(run_dir / "targets.yaml", usernames)
    command = [str(PROJECT / ".venv" / "bin" / "social-graph"), "collect", "--targets",
               str(targets), "--no-warehouse", "--time-scale", repr(scale)]
    if mode == "trusted":
        command += ["--set", "nyne.trust_callbacks=true"]
    token = secrets.token_urlsafe(24)
    out = Outcome(label, len(usernames), scale, mode, history, 0)
    with SimulatorServer(SimulatorConfig(time_scale=scale), port=0) as sim:
        env = {**os.environ, "DAGSTER_HOME": str(run_dir / "home"),
               "SOCIAL_DATA_DIR": str(run_dir / "data"), "SOCIAL_LEDGER_URL": ledger_url,
               "NYNE_BASE_URL": sim.url, "NYNE_API_KEY": sim.config.api_key,
               "NYNE_API_SECRET": sim.config.api_secret}
        receiver = None
        if mode in ("callback", "trusted"):
            receiver = CallbackReceiver(CallbackInbox(ledger_url), token).start()
            env.update(SOCIAL_CALLBACK_BASE_URL=receiver.url, SOCIAL_CALLBACK_TOKEN=token)
        say(f"{label}: collect of {len(usernames)} targets, {MODES[mode]}, clock x{scale:g}, "
            f"{history} latency samples known ...")
        log = run_dir / "collect.log"
        try:
            started, t0 = time.time(), time.perf_counter()
            with open(log, "wb") as handle:
                done = subprocess.run(command, env=env, cwd=PROJECT, stdout=handle,
                                      stderr=subprocess.STDOUT)
            out.wall_s, ended = time.perf_counter() - t0, time.time()
        finally:
            if receiver is not None:
                receiver.stop()
        out.returncode = done.returncode
        read_simulator(out, sim, started, ended)
    out.lookups = _landed(run_dir / "data")
    if done.returncode != 0:
        out.notes.append(f"collect exited {done.returncode}: see {log}")
        tail = log.read_text(errors="replace").splitlines()[-5:]
        say("\n".join(tail))
    say(f"  {out.lookups} landed, {out.requests} requests ({out.per_lookup:.3f} per lookup), "
        f"{out.status_429} x 429, span {out.api_span_s:.1f} s, floor {out.floor_s:.1f} s, "
        f"wall {out.wall_s:.1f} s")
    return out


def read_simulator(out: Outcome, sim, started: float, ended: float) -> None:
    log = [r for r in sim.request_log if r.path == API_PATH]
    out.submits = sum(1 for r in log if r.method == "POST" and r.status != 429)
    out.polls = sum(1 for r in log if r.method == "GET" and r.status != 429)
    out.status_429 = sum(1 for r in log if r.status == 429)
    out.credits = sim.credits_used
    if log:
        first, last = min(r.at for r in log), max(r.at for r in log)
        out.api_span_s = last - first
        out.before_first_s, out.after_last_s = first - started, ended - last
        ats = sorted(r.at for r in log)
        budget = sim.config.rate_per_hour
        out.hour_budget_s = ats[budget - 1] - first if len(ats) >= budget else None


def _landed(data: Path) -> int:
    return sum(1 for p in (data / "landing").glob("*.json.gz") if not p.name.startswith("."))


def usernames(count: int) -> list[str]:
    """``count`` Twitter accounts of the simulator's world (the same ones for every run)."""
    from simulator.world import World

    names = [a.username for a in World().accounts("twitter")]
    if count > len(names):
        raise SystemExit(f"the simulator's world has {len(names)} Twitter accounts, "
                         f"fewer than {count}")
    return names[:count]

