"""``python -m benchmarks.refresh``: both policies over the simulated month, the whole way
(``full``), printed and written to ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.refresh.dbt_run import plan_vars
from benchmarks.refresh.full import OverHttp
from benchmarks.refresh.month import POLICIES, run_month
from benchmarks.refresh.report import RESULTS, Measured, report, table, verdict
from benchmarks.refresh.world import churn_rates, weekly_credits
from benchmarks.results import write_section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.refresh", description=__doc__)
    parser.add_argument("--time-scale", type=float, default=0.01,
                        help="the simulator's and the client's clock (default 0.01)")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="keep each policy's data dir here (default: a temporary dir)")
    parser.add_argument("--no-write", action="store_true",
                        help="print the section, leave benchmarks/RESULTS.md alone")
    args = parser.parse_args(argv)
    if args.time_scale <= 0:
        parser.error(f"--time-scale must be positive, got {args.time_scale}")
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        measured = measure(args.work_dir or Path(tmp), args.time_scale)
    text = report(measured)
    print("\n".join(table(measured)) + "\n\n" + verdict(measured))
    if not args.no_write:
        write_section(RESULTS, text)
        print(f"written to {RESULTS}")
    return 0


def measure(work_dir: Path, scale: float) -> Measured:
    from simulator import SimulatorConfig, SimulatorServer

    started, load, t0 = datetime.now(timezone.utc), os.getloadavg(), time.perf_counter()
    months, warehouse, build_s, builds = {}, {}, 0.0, 0
    for policy in POLICIES:  # each on a fresh simulator: its own ledger, the same world
        if (work_dir / policy).exists() and any((work_dir / policy).iterdir()):
            raise SystemExit(f"{work_dir / policy} is not empty: a month starts with no "
                             f"snapshots (give another --work-dir)")
        config = SimulatorConfig(time_scale=scale, churn_rates=churn_rates())
        with SimulatorServer(config) as sim:
            collector = OverHttp(sim.url, config.api_key, config.api_secret, work_dir / policy,
                                 plan_vars(weekly_credits()), scale=scale, label=policy)
            print(f"{policy}: the month against {sim.url} ...", flush=True)
            months[policy] = run_month(policy, collector, say=lambda line: print(line, flush=True))
            warehouse[policy] = collector.warehouse_changes()
            build_s, builds = build_s + collector.build_s, builds + collector.builds
        if warehouse[policy] != months[policy].detected:
            raise RuntimeError(f"{policy}: follower_changes shows {warehouse[policy]} changes, "
                               f"the snapshots {months[policy].detected}")
    return Measured(months, warehouse, load, os.getloadavg(), time.perf_counter() - t0,
                    build_s, builds, started)
