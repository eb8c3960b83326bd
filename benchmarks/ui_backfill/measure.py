"""The measurements: for each N and each repeat, the baseline then the project, against a fresh
simulator with the same config each."""

from __future__ import annotations

import shutil
import tempfile
import traceback
from pathlib import Path
from typing import Callable

from benchmarks.ui_backfill.baseline import run_baseline
from benchmarks.ui_backfill.figures import s
from benchmarks.ui_backfill.pair import Pair
from benchmarks.ui_backfill.project_run import run_project
from benchmarks.ui_backfill.provenance import fmt_load
from benchmarks.ui_backfill.settings import PARTITIONS_DEF


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


def measure(sizes: list[int], args, say: Callable[[str], None]) -> list[Pair]:
    """Every pair measured until the end or an interruption (what was measured is kept)."""
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
    return pairs
