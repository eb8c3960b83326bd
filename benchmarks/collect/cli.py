"""The benchmark's command line: the plan, the runs in turn, the report."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.collect.naive import run_naive
from benchmarks.collect.report import RESULTS, report
from benchmarks.collect.runs import Outcome, run_collect, usernames
from benchmarks.results import write_section

DEFAULT_PLAN = "40@1,300@0.25,1000@0.05"
QUICK_PLAN = "20@0.05,60@0.05"


def parse_plan(text: str) -> list[tuple[int, float]]:
    plan = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        size, _, scale = item.partition("@")
        try:
            plan.append((int(size), float(scale or "1")))
        except ValueError:
            raise SystemExit(f"--plan: {item!r} is not N@SCALE (e.g. 300@0.05)") from None
        if plan[-1][0] < 1 or not plan[-1][1] > 0:
            raise SystemExit(f"--plan: {item!r}: N must be >= 1 and SCALE > 0")
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.collect")
    parser.add_argument("--plan", default=DEFAULT_PLAN,
                        help=f"sizes and clocks, N@SCALE,... (default {DEFAULT_PLAN})")
    parser.add_argument("--quick", action="store_true", help=f"the plan {QUICK_PLAN}")
    parser.add_argument("--modes", default="poll,callback,trusted,naive",
                        help="which runs per size (default all: poll,callback,trusted,naive)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    plan = parse_plan(QUICK_PLAN if args.quick else args.plan)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    say = lambda line: print(line, flush=True)  # noqa: E731
    root = Path(tempfile.mkdtemp(prefix="social_graph_bench_collect_"))
    load, started = os.getloadavg(), datetime.now(timezone.utc)
    outcomes: list[Outcome] = []
    seen_clocks: set[float] = set()
    try:
        for n, scale in plan:
            group = root / f"clock_{scale:g}"  # one ledger, so one latency history, per clock
            group.mkdir(parents=True, exist_ok=True)
            names = usernames(n)
            label = f"N={n} x{scale:g}"
            runs = []
            if "poll" in modes and scale not in seen_clocks:
                runs.append(("poll", f"{label} poll, cold"))
            runs += [(m, f"{label} {m}") for m in modes if m != "naive"]
            seen_clocks.add(scale)
            # The naive loop sleeps between its requests (one at a time): it runs beside the
            # project's runs of its size, on a simulator of its own, instead of after them.
            naive = _Background(run_naive, f"{label} naive", names, scale=scale, say=say) \
                if "naive" in modes else None
            for i, (mode, name) in enumerate(runs):
                outcomes.append(run_collect(name, names, scale=scale, mode=mode, group=group,
                                            run_dir=group / f"n{n}_{i}_{mode}", say=say))
            if naive is not None:
                outcomes.append(naive.result())
        text = report(outcomes, plan=plan, modes=modes, load=load, load_end=os.getloadavg(),
                      started=started)
        print(text)
        write_section(args.results, text)
        print(f"written to {args.results}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"scratch kept in {root}")


class _Background:
    """``fn(*args, **kwargs)`` in a thread; ``result()`` waits for it (and raises its error)."""

    def __init__(self, fn, *args, **kwargs):
        self._out: list = []
        self._thread = threading.Thread(target=lambda: self._out.append(_call(fn, args, kwargs)),
                                        daemon=True)
        self._thread.start()

    def result(self):
        self._thread.join()
        value, error = self._out[0]
        if error is not None:
            raise error
        return value


def _call(fn, args, kwargs):
    try:
        return fn(*args, **kwargs), None
    except Exception as exc:  # noqa: BLE001 - handed to result()'s caller
        return None, exc
