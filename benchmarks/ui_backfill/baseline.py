"""BASELINE, "the API's own time": the project's own lookup service doing the N lookups, 8 at
a time, in a worker process of its own (``--baseline-worker``), no Dagster at all."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.ui_backfill.provenance import loadavg
from benchmarks.ui_backfill.settings import PROJECT, nyne_config
from benchmarks.ui_backfill.sim import SimStats, api_env, sim_stats


@dataclass
class Baseline:
    n: int
    wall_s: float  # first lookup started -> last result (inside the worker)
    process_s: float  # the worker process, interpreter start included (for reference)
    ok: int
    failures: dict[str, str]
    sim: SimStats
    load_before: tuple[float, float, float]


def _lookups(usernames: list[str], settings: dict[str, float]) -> dict[str, Any]:
    import tempfile
    import uuid

    from resources.lookups import open_lookups
    from resources.lookups.ledger.resource import LedgerResource
    from resources.nyne import LookupRequest
    from resources.nyne_api import NyneApi

    api = NyneApi(**settings)  # base URL and credentials from the environment, as in a run
    failures: dict[str, str] = {}
    ok = 0
    with tempfile.TemporaryDirectory(prefix="baseline-") as data:
        # The project's own lookup path (ledger, landing archive, max_concurrent_lookups in
        # flight), in a data dir of its own so it buys every lookup the backfill buys.
        service = open_lookups(api, LedgerResource(url=f"sqlite:///{data}/ledger.sqlite"),
                               Path(data), run_id=uuid.uuid4().hex)
        requests = {u: LookupRequest("twitter", "followers,following", username=u,
                                     max_results=api.max_results) for u in usernames}
        start = time.time()
        for result in service.collect(requests):
            if result.ok:
                ok += 1
                service.done(result)
            else:
                failures[result.key] = result.message
        end = time.time()
    return {"start": start, "end": end, "ok": ok, "failures": failures,
            "limiter_waited_s": service.client.limiter.waited_s}


def baseline_worker(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    result = _lookups(spec["usernames"], spec["settings"])
    print(json.dumps(result))
    return 0


def run_baseline(n: int, usernames: list[str], scale: float, workdir: Path) -> Baseline:
    from simulator import SimulatorConfig, SimulatorServer

    load = loadavg()
    spec = workdir / f"baseline-{n}.json"
    spec.write_text(json.dumps({"usernames": usernames, "settings": nyne_config(scale)}))
    with SimulatorServer(SimulatorConfig(time_scale=scale), port=0) as sim:
        env = {"HOME": str(workdir / "home"), "PATH": "/usr/bin:/bin", **api_env(sim)}
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
