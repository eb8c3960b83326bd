"""The job store: accepted lookups, their status over time, their end and their expiry.

Contract:
- A job is `queued`, then `processing` (a quarter of jobs, `pending_rate`, pass through
  `pending` midway), then at its end time `completed` or `failed`. Its duration is drawn from
  `latency_s` (seeded RNG) and scaled.
- The job ends exactly once, at its end time, on the scheduler thread or on the first poll
  after it (whichever comes first); `on_end` then charges credits and sends callbacks.
- The lookup runs against the world at the epoch, and with the result shapes, that were live
  when the job was accepted (choice: a test can change knobs without racing running jobs).
- `result_ttl_s` (scaled) after its end a job is forgotten: polls answer 404.
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.config import SimulatorConfig
from simulator.envelope import iso_z
from simulator.results import LookupFailed, ResultShape, run_lookup
from simulator.scheduler import Scheduler
from simulator.validation import LookupSpec
from simulator.world import World

log = logging.getLogger("simulator")

# Reasons given by jobs that fail at random (`fail_rate`).
RANDOM_FAILURES = ("Upstream platform timed out while fetching interactions",
                   "Rate limited by the upstream platform, please retry later",
                   "Profile temporarily unavailable")


@dataclass
class Job:
    request_id: str
    spec: LookupSpec
    shape: ResultShape
    epoch: int
    callback_body: str
    submitted_at: float
    ends_at: float
    queued_until: float
    pending: tuple[float, float] | None  # when the job shows `pending`, if it does
    doomed: str | None  # the random failure it will end with, if any
    status_final: str | None = None  # "completed" or "failed" once ended
    ended_at: float | None = None
    expires_at: float | None = None
    error: str | None = None
    rows: int = 0
    result_fields: dict[str, Any] = field(default_factory=dict)
    # Guards the end, so the scheduler and a poll cannot both end the job.
    end_lock: threading.Lock = field(default_factory=threading.Lock, repr=False,
                                     compare=False)

    def status(self, now: float) -> str:
        if self.status_final:
            return self.status_final
        if now < self.queued_until:
            return "queued"
        if self.pending and self.pending[0] <= now < self.pending[1]:
            return "pending"
        return "processing"

    def data(self, now: float) -> dict[str, Any]:
        """The poll's `data`: status, then result or error once ended."""
        status = self.status(now)
        data: dict[str, Any] = {"request_id": self.request_id, "status": status,
                                "completed": status == "completed",
                                "created_on": iso_z(self.submitted_at)}
        if status == "completed":
            data.update(self.result_fields)
            data["completed_on"] = iso_z(self.ended_at or now)
        elif status == "failed":
            data["error"] = self.error
            data["failed_on"] = iso_z(self.ended_at or now)
        return data


class JobStore(Mapping[str, Job]):
    """Jobs by request_id (read-only Mapping view; expired jobs drop out of it)."""

    def __init__(self, config: SimulatorConfig, world: Callable[[], World],
                 scheduler: Scheduler, on_end: Callable[[Job], None]) -> None:
        self._config = config
        self._world = world  # a getter: the world is rebuilt when its seed changes
        self._scheduler = scheduler
        self._on_end = on_end
        self._rng = random.Random(f"jobs:{config.seed}")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.RLock()  # guards the dict and the RNG

    def create(self, spec: LookupSpec, now: float) -> Job:
        """Accept a lookup: store the job and schedule its end."""
        cfg = self._config
        with self._lock:
            rng = self._rng
            # Ids are unique across simulator processes, as the provider's are across time:
            # never from the seeded RNG, or two demo runs in one second would reuse an id.
            request_id = (f"interaction_{secrets.token_hex(8)}_{int(now)}_"
                          f"{secrets.randbelow(10000):04d}")
            duration = cfg.scaled(rng.uniform(*cfg.latency_s))
            pending = None
            if rng.random() < cfg.pending_rate:
                pending = (now + 0.5 * duration, now + 0.7 * duration)
            doomed = rng.choice(RANDOM_FAILURES) if rng.random() < cfg.fail_rate else None
            job = Job(request_id, spec, ResultShape.from_config(cfg), cfg.epoch,
                      cfg.callback_body, now, now + duration, now + 0.15 * duration,
                      pending, doomed)
            self._jobs[request_id] = job
        self._scheduler.call_at(job.ends_at, lambda: self._end_if_due(job, job.ends_at))
        return job

    def poll(self, request_id: str, now: float) -> Job | None:
        """The job as of `now` (ended if its time has come), or None if unknown or expired."""
        with self._lock:
            job = self._jobs.get(request_id)
            if job is None:
                return None
            if _expired(job, now):
                del self._jobs[request_id]
                return None
        self._end_if_due(job, now)
        return job

    def summary(self, now: float) -> dict[str, int]:
        """Count of live jobs per status."""
        counts: dict[str, int] = {}
        for job in self.values():
            status = job.status(now)
            counts[status] = counts.get(status, 0) + 1
        return counts

    def _end_if_due(self, job: Job, now: float) -> None:
        # The job's own lock, not the store's: a first lookup can take a fraction of a second
        # (the world is built on first use) and must not hold up every other request.
        with job.end_lock:
            if job.status_final or now < job.ends_at or self._config.hold_jobs:
                return
            self._finish(job)
        self._on_end(job)

    def end_due(self, now: float) -> None:
        """End every job whose time has come (after a hold is lifted)."""
        for job in list(self.values()):
            self._end_if_due(job, now)

    def _finish(self, job: Job) -> None:
        """Run the lookup and record the outcome; `status_final` is set last, so a reader
        that sees it sees the result or error too."""
        job.ended_at = job.ends_at
        job.expires_at = job.ends_at + self._config.scaled(self._config.result_ttl_s)
        try:
            if job.doomed:
                raise LookupFailed(job.doomed)
            job.result_fields, job.rows = run_lookup(self._world(), job.spec, job.epoch,
                                                     job.shape)
            job.status_final = "completed"
        except LookupFailed as failure:
            job.error = str(failure)
            job.status_final = "failed"
        except Exception:  # a simulator bug: end the job visibly rather than hang its pollers
            log.exception("lookup %s crashed", job.request_id)
            job.error = "Internal error while processing the request"
            job.status_final = "failed"

    # Mapping interface, for read access from tests and the admin endpoints.
    def __getitem__(self, request_id: str) -> Job:
        with self._lock:
            return self._live()[request_id]

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._live()))

    def __len__(self) -> int:
        with self._lock:
            return len(self._live())

    def _live(self) -> dict[str, Job]:
        now = time.time()
        for request_id in [r for r, job in self._jobs.items() if _expired(job, now)]:
            del self._jobs[request_id]
        return self._jobs


def _expired(job: Job, now: float) -> bool:
    return job.expires_at is not None and now >= job.expires_at
