"""BASELINE, "the API's own time": the project's own client doing the N lookups, 8 at a
time, in a worker process of its own (``--baseline-worker``), no Dagster at all."""

from __future__ import annotations

import asyncio
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
