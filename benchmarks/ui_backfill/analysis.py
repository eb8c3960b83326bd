"""Where the overhead goes: the per-partition work of the run, measured."""

from __future__ import annotations

import statistics

from benchmarks.ui_backfill.figures import pct, s
from benchmarks.ui_backfill.pair import Pair
from benchmarks.ui_backfill.settings import ASSETS


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
