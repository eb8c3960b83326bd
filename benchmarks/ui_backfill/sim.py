"""The simulator's side of a measurement: the variables that point a client at it, and what
its request log says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from benchmarks.ui_backfill.settings import API_PATH


def api_env(sim) -> dict[str, str]:
    """NYNE_BASE_URL and the credentials of a running ``SimulatorServer``."""
    return {"NYNE_BASE_URL": sim.url, "NYNE_API_KEY": sim.config.api_key,
            "NYNE_API_SECRET": sim.config.api_secret}


@dataclass
class SimStats:
    submits: int
    polls: int
    requests: int
    status_429: int
    status_404: int
    other_errors: int
    credits: int
    charges: int
    first_at: Optional[float]
    last_at: Optional[float]
    hour_limit_at: Optional[float]  # when the rate_per_hour-th request was answered
    final_poll_at: dict[str, float] = field(repr=False, default_factory=dict)

    @property
    def span_s(self) -> Optional[float]:
        if self.first_at is None or self.last_at is None:
            return None
        return self.last_at - self.first_at


def sim_stats(sim) -> SimStats:
    log = [r for r in sim.request_log if r.path == API_PATH]
    ats = sorted(r.at for r in log)
    final: dict[str, float] = {}
    for r in log:
        if r.method == "GET" and r.status == 200 and r.request_id:
            final[r.request_id] = max(final.get(r.request_id, 0.0), r.at)
    hour_limit = sim.config.rate_per_hour
    return SimStats(
        submits=sum(1 for r in log if r.method == "POST" and r.status == 202),
        polls=sum(1 for r in log if r.method == "GET"),
        requests=len(log),
        status_429=sum(1 for r in log if r.status == 429),
        status_404=sum(1 for r in log if r.status == 404),
        other_errors=sum(1 for r in log if r.status is None
                         or (r.status >= 400 and r.status not in (404, 429))),
        credits=sim.credits_used,
        charges=len(sim.charges),
        first_at=ats[0] if ats else None,
        last_at=ats[-1] if ats else None,
        hour_limit_at=(ats[hour_limit - 1] - ats[0]) if len(ats) >= hour_limit else None,
        final_poll_at=final,
    )
