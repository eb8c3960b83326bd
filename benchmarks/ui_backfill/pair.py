"""One size measured both ways: the baseline and the project, their overhead and problems."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from benchmarks.ui_backfill.baseline import Baseline
from benchmarks.ui_backfill.project import Project
from benchmarks.ui_backfill.settings import ASSETS


@dataclass
class Pair:
    baseline: Baseline
    project: Project
    scale: float

    @property
    def n(self) -> int:
        return self.project.n

    @property
    def overhead(self) -> Optional[float]:
        if self.project.total_s is None:
            return None
        return self.project.total_s - self.baseline.wall_s

    @property
    def overhead_no_ticks(self) -> Optional[float]:
        p = self.project.phases()
        if self.overhead is None or p["tick_wait_launch"] is None or p["tick_wait_done"] is None:
            return None
        return self.overhead - p["tick_wait_launch"] - p["tick_wait_done"]

    def problems(self) -> list[str]:
        pr, b = self.project, self.baseline
        out = []
        if pr.error:
            out.append(f"error: {pr.error}")
        if pr.status and pr.status not in ("COMPLETED", "COMPLETED_SUCCESS"):
            out.append(f"backfill ended {pr.status}")
        if len(pr.runs) != 1:
            out.append(f"{len(pr.runs)} runs created for one contiguous selection (expected 1): "
                       + ", ".join(f"{r['runId'][:8]} {r['status']}" for r in pr.runs[:10]))
        other = [r for r in pr.all_runs if r["runId"] not in {x["runId"] for x in pr.runs}]
        if other:
            out.append(f"{len(other)} other run(s) on the instance: "
                       + ", ".join(f"{r['jobName']} {r['status']}" for r in other[:5]))
        if pr.run and pr.run["status"] != "SUCCESS":
            out.append(f"run {pr.run['runId'][:8]} ended {pr.run['status']}")
        if pr.timeline and pr.timeline.step_failure:
            out.append(f"step failure: {pr.timeline.step_failure[:800]}")
        if pr.timeline:
            for asset in ASSETS:
                if pr.timeline.mats.get(asset, 0) != self.n:
                    out.append(f"{asset}: {pr.timeline.mats.get(asset, 0)} materializations in "
                               f"the run, expected {self.n}")
        if pr.sim and pr.sim.submits != self.n:
            out.append(f"project: {pr.sim.submits} submits, expected {self.n}")
        if b.sim.submits != self.n or b.failures:
            out.append(f"baseline: {b.sim.submits} submits, {len(b.failures)} failed lookups "
                       + "; ".join(f"{k}: {v}" for k, v in list(b.failures.items())[:3]))
        for side, st in (("baseline", b.sim), ("project", pr.sim)):
            if st and (st.status_429 or st.status_404 or st.other_errors):
                out.append(f"{side}: {st.status_429} x 429, {st.status_404} x 404, "
                           f"{st.other_errors} other errors from the simulator")
        if pr.leftover_pids:
            out.append(f"processes still alive after stop: {pr.leftover_pids}")
        return out
