"""PROJECT: what one backfill launched like the UI does measured, and its phases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from benchmarks.ui_backfill.own_work import OwnWork
from benchmarks.ui_backfill.sim import SimStats
from benchmarks.ui_backfill.timeline import RunTimeline


@dataclass
class Project:
    n: int
    backfill_id: Optional[str] = None
    status: Optional[str] = None
    t0: float = 0.0  # the mutation was sent
    t_observed_done: Optional[float] = None  # our poll saw the terminal status
    backfill_ts: Optional[float] = None
    backfill_end: Optional[float] = None
    runs: list[dict] = field(default_factory=list)
    all_runs: list[dict] = field(default_factory=list)
    run_stats: Optional[dict] = None
    timeline: Optional[RunTimeline] = None
    evaluations: list[float] = field(default_factory=list)  # "Evaluating asset backfill" times
    backfill_log: list[tuple[float, str]] = field(default_factory=list)
    materialized_partitions: dict[str, int] = field(default_factory=dict)
    sim: Optional[SimStats] = None
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    warehouse_sensor: str = "RUNNING"
    error: Optional[str] = None
    setup_s: float = 0.0
    leftover_pids: list[int] = field(default_factory=list)
    own_work: Optional[OwnWork] = None

    # -- phases ------------------------------------------------------------------------

    @property
    def run(self) -> Optional[dict]:
        return self.runs[0] if self.runs else None

    @property
    def total_s(self) -> Optional[float]:
        """Mutation sent -> backfill COMPLETED (the daemon's stored end timestamp)."""
        if self.backfill_end is None:
            return None
        return self.backfill_end - self.t0

    def ev(self, kind: str, last: bool = False) -> Optional[float]:
        if self.timeline is None:
            return None
        return (self.timeline.last if last else self.timeline.first).get(kind)

    @property
    def run_created(self) -> Optional[float]:
        return self.run["creationTime"] if self.run else None

    @property
    def run_start(self) -> Optional[float]:
        return self.ev("RUN_START")

    @property
    def run_end(self) -> Optional[float]:
        return self.ev("RUN_SUCCESS") or self.ev("RUN_FAILURE")

    def phases(self) -> dict[str, Optional[float]]:
        def d(a: Optional[float], b: Optional[float]) -> Optional[float]:
            return None if a is None or b is None else b - a

        # The daemon's loop: an evaluation every 30 s. Its first after the mutation starts the
        # backfill; the last one before the end timestamp completes it.
        first_eval = next((e for e in self.evaluations if e >= self.t0 - 0.5), None)
        done_eval = None
        if self.backfill_end is not None:
            done_eval = max((e for e in self.evaluations if e <= self.backfill_end + 0.5),
                            default=None)
        tl = self.timeline
        last_mat = max((m[0] for m in tl.mat_times), default=None) if tl else None
        sim = self.sim
        end = self.run_end
        # The log lines' whole seconds (+-0.5 s) are clamped into the phase they belong to.
        tick_done = work_done = None
        if done_eval is not None and end is not None and self.backfill_end is not None:
            tick_done = min(max(0.0, done_eval - end), self.backfill_end - end)
            work_done = self.backfill_end - end - tick_done
        tick_launch = work_launch = None
        if first_eval is not None and self.run_created is not None:
            tick_launch = min(max(0.0, first_eval - self.t0), self.run_created - self.t0)
            work_launch = self.run_created - self.t0 - tick_launch
        planned_n = tl.counts.get("ASSET_MATERIALIZATION_PLANNED", 0) if tl else 0
        return {
            "launch_to_run": d(self.t0, self.run_created),
            "tick_wait_launch": tick_launch,
            "daemon_work_launch": work_launch,
            "run_created_to_start": d(self.run_created, self.run_start),
            # The daemon writes one ASSET_MATERIALIZATION_PLANNED per asset and partition after
            # it created the run record and before it enqueues the run.
            "planned": d(self.run_created, self.ev("RUN_ENQUEUED")),
            "planned_events": float(planned_n),
            # With many planned events their spacing is the cost of storing one event.
            "planned_each": (d(self.ev("ASSET_MATERIALIZATION_PLANNED"),
                               self.ev("ASSET_MATERIALIZATION_PLANNED", last=True)) or 0.0)
            / (planned_n - 1) if planned_n >= 10 else None,
            "queue": d(self.ev("RUN_ENQUEUED"), self.ev("RUN_STARTING")),
            "process_start": d(self.ev("RUN_STARTING"), self.run_start),
            "run": d(self.run_start, end),
            "run_start_to_step": d(self.run_start, self.ev("STEP_START")),
            "step_to_first_request": d(self.ev("STEP_START"), sim.first_at if sim else None),
            "api_span": sim.span_s if sim else None,
            "last_request_to_last_mat": d(sim.last_at if sim else None, last_mat),
            "last_mat_to_run_end": d(last_mat, end),
            # The per-partition part: the lookups and their recording, first API request ->
            # last materialization stored.
            "work_span": d(sim.first_at if sim else None, last_mat),
            "run_end_to_done": d(end, self.backfill_end),
            "tick_wait_done": tick_done,
            "daemon_work_done": work_done,
        }

    def fixed_s(self, with_tick_waits: bool) -> Optional[float]:
        """Everything but the per-partition part (first API request -> last materialization):
        mutation -> first API request, and last materialization -> COMPLETED; optionally
        without the daemon's two tick waits."""
        p = self.phases()
        if self.total_s is None or p["work_span"] is None:
            return None
        total = self.total_s - p["work_span"]
        if not with_tick_waits:
            if p["tick_wait_launch"] is None or p["tick_wait_done"] is None:
                return None
            total -= p["tick_wait_launch"] + p["tick_wait_done"]
        return total
