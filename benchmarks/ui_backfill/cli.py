"""The command line: measure and report, report saved measurements (``--report-from``), or
be the baseline's worker process (``--baseline-worker``)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import benchmarks.ui_backfill as package
from benchmarks.ui_backfill.baseline import baseline_worker
from benchmarks.ui_backfill.settings import (DEFAULT_SIZES, DEFAULT_TIME_SCALE, QUICK_SIZES, RAW,
                                             RESULTS)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ui_backfill",
                                     description=package.__doc__.split("\n\n")[0])
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
    return parser


def _report_from(args) -> int:
    from benchmarks.ui_backfill.raw import load_raw
    from benchmarks.ui_backfill.report import report

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


def _measure_and_report(args) -> int:
    import warnings

    from benchmarks.ui_backfill.measure import measure
    from benchmarks.ui_backfill.provenance import code_version, fmt_load, loadavg
    from benchmarks.ui_backfill.raw import save_raw
    from benchmarks.ui_backfill.report import report

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
    pairs = measure(sizes, args, say)
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


def main(argv: Optional[list[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.baseline_worker:
        return baseline_worker(args.baseline_worker)
    if args.report_from:
        return _report_from(args)
    return _measure_and_report(args)
