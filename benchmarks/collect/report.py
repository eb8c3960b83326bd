"""The "Collection" section of ``benchmarks/RESULTS.md``: one row per run, the targets met or
missed, what the columns mean, the machine and its load."""

from __future__ import annotations

import os
import platform
from datetime import datetime
from pathlib import Path

from benchmarks.collect.floor import floor_s
from benchmarks.collect.runs import MODES, Outcome

RESULTS = Path(__file__).resolve().parents[1] / "RESULTS.md"
TITLE = "# Collection: requests per lookup and wall time against the rate limits' floor"
# The targets of the work that built the learnt poll schedule (requests per lookup, by mode).
PER_LOOKUP_TARGET = {"poll": 2.05, "trusted": 1.02}
WALL_TARGET = 1.10


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}x" if floor > 0 else "n/a"


def _row(o: Outcome) -> str:
    mode = "naive sequential loop" if o.mode == "naive" else MODES[o.mode]
    before = f"{o.before_first_s:.1f} s" if o.before_first_s is not None else ""
    after = f"{o.after_last_s:.1f} s" if o.after_last_s is not None else ""
    history = "" if o.mode == "naive" else f"{o.history:,}"
    budget = (f"{o.hour_budget_s:.1f} s ({floor_s(1000, time_scale=o.scale):.1f})"
              if o.hour_budget_s is not None else "")
    return (f"| {o.label} | {mode} | {history} | {o.lookups:,} | {o.requests:,} "
            f"| {o.per_lookup:.3f} | {o.status_429} | {o.credits:,} | {o.api_span_s:.1f} s "
            f"| {o.floor_s:.1f} s | {_ratio(o.api_span_s, o.floor_s)} | {budget} "
            f"| {o.wall_s:.1f} s | {_ratio(o.wall_s, o.floor_s)} | {before} | {after} |")


def verdicts(outcomes: list[Outcome]) -> list[str]:
    """One line per target and run: met, or missed by how much."""
    lines = []
    for o in outcomes:
        if o.mode == "naive":
            continue
        checks = []
        target = PER_LOOKUP_TARGET.get(o.mode)
        if target is not None:
            checks.append(("requests per lookup", o.per_lookup, target, f"{o.per_lookup:.3f}",
                           f"<= {target}"))
        checks.append(("429s", o.status_429, 0, str(o.status_429), "0"))
        if o.floor_s > 0:
            checks.append(("API span / floor", o.api_span_s / o.floor_s, WALL_TARGET,
                           f"{o.api_span_s / o.floor_s:.2f}x", f"<= {WALL_TARGET}x"))
        parts = [f"{name} {shown} ({'met' if value <= limit else 'MISSED'}, target {want})"
                 for name, value, limit, shown, want in checks]
        lines.append(f"- {o.label} ({MODES[o.mode]}): " + "; ".join(parts))
    return lines


def report(outcomes: list[Outcome], *, plan, modes, load, load_end, started: datetime) -> str:
    plan_text = ",".join(f"{n}@{s:g}" for n, s in plan)
    return "\n".join([
        TITLE,
        "",
        f"`.venv/bin/python -m benchmarks.collect --plan {plan_text} --modes "
        f"{','.join(modes)}` (`make bench-collect`), {started:%Y-%m-%d %H:%M} UTC, one "
        "command, the runs in turn. Each run: `social-graph collect --time-scale S "
        "--no-warehouse` of N Twitter accounts (one `followers,following` lookup each) "
        "against a fresh simulator at the same time scale (latency 1-4 s, 60 requests a "
        "minute, 1,000 an hour, all scaled), a fresh Dagster instance and data dir; the runs "
        "of one clock share a ledger, so each starts with the latency history of those "
        "before it.",
        "",
        "| run | mode | latency samples at start | lookups | requests | requests / lookup "
        "| 429s | credits | API span | floor | span / floor | 1,000th request at (floor) "
        "| command wall | wall / floor | start -> first request | last request -> end |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *[_row(o) for o in outcomes],
        "",
        "- requests: submits and polls the simulator answered, plus 429s; requests / lookup "
        "divides by the lookups that landed;",
        "- API span: from the first request to the last, on the simulator's clock (which "
        "runs at the scale shown: x0.05 is 20 times faster than the provider);",
        "- floor: the earliest moment the last of that many requests could leave, counted "
        "from the first, given 60 a minute and 1,000 an hour in the simulator's fixed windows "
        "(`benchmarks/collect/floor.py`); n/a when they all fit the first windows;",
        "- 1,000th request at: when the hour's budget was spent, from the first request (the "
        "floor's figure in brackets): how fast the client and the machine could go while "
        "only the minute limit held them;",
        "- command wall: the whole `collect` process (Python start, loading the code location, "
        "registering partitions, Dagster's run, its exit); start -> first request and last "
        "request -> end are its parts outside the API span.",
        "",
        "Targets:",
        *verdicts(outcomes),
        "",
        f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}; load average at start {load[0]:.1f}/{load[1]:.1f}/"
        f"{load[2]:.1f}, at end {load_end[0]:.1f}/{load_end[1]:.1f}/{load_end[2]:.1f} (other "
        "work on the machine inflates times).",
        "",
    ])
