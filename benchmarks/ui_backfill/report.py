"""The markdown report (benchmarks/UI_BACKFILL.md) of measured pairs."""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime

from benchmarks.ui_backfill.analysis import where_it_goes
from benchmarks.ui_backfill.figures import s
from benchmarks.ui_backfill.pair import Pair
from benchmarks.ui_backfill.provenance import fmt_load, package_version
from benchmarks.ui_backfill.settings import nyne_config
from benchmarks.ui_backfill.verdict import verdict


def report(pairs: list[Pair], args, load_start, load_end, started: datetime,
           version_start: tuple[str, str], version_end: tuple[str, str], *, command: str) -> str:
    out: list[str] = []
    w = out.append
    w("# UI backfill overhead: project vs the API's own time\n")
    w(f"`{command}` on "
      f"{started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, Python "
      f"{platform.python_version()}, dagster {package_version('dagster')}; simulator time_scale "
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
