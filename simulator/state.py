"""The simulated account's live state: one object the handler, the admin endpoints and
SimulatorServer share. Thread-safe: every part guards itself.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from simulator.callbacks import CallbackDispatcher
from simulator.config import SimulatorConfig
from simulator.envelope import encode, iso_z, ok_data
from simulator.faults import FaultPlan
from simulator.jobs import Job, JobStore
from simulator.ledger import Charge, Ledger
from simulator.ratelimit import RateLimiter
from simulator.scheduler import Scheduler
from simulator.world import World

# Knobs whose change means a different world (the epoch, churn and churn_rates only select a
# snapshot).
WORLD_KNOBS = {"world_seed", "world_size"}


@dataclass(frozen=True)
class RequestRecord:
    """One request as the simulator saw it. Never holds header values, bodies or queries."""

    method: str
    path: str  # without the query string (it may carry api_key/api_secret)
    status: int | None  # None when no response was sent ("drop", "timeout")
    at: float
    request_id: str | None = None
    fault: str | None = None


class Simulation:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.scheduler = Scheduler()
        self.world = World(config.world_seed, config.world_size, config.churn,
                           config.churn_rates)
        self.world.set_renames(config.renames)  # ValueError names an entry the world refuses
        self.ledger = Ledger(config)
        self.limiter = RateLimiter(config)
        self.faults = FaultPlan(config)
        self.callbacks = CallbackDispatcher(config, self.scheduler)
        self.jobs = JobStore(config, lambda: self.world, self.scheduler, self._job_ended)
        self.stopping = threading.Event()  # cuts "slow" and "timeout" faults short
        self._log: list[RequestRecord] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        self.stopping.set()
        self.scheduler.stop()
        self.callbacks.stop()

    def update(self, **changes: Any) -> None:
        """Apply knob changes live, all or none (ValueError names a bad one)."""
        candidate = self.config.with_changes(**changes)
        if "renames" in changes or WORLD_KNOBS & changes.keys():
            # Checked against the world they will apply to before anything changes.
            World(candidate.world_seed, candidate.world_size, renames=candidate.renames)
        with self._lock:
            for name in changes:
                setattr(self.config, name, getattr(candidate, name))
            if WORLD_KNOBS & changes.keys():
                self.world = World(self.config.world_seed, self.config.world_size,
                                   self.config.churn, self.config.churn_rates)
            self.world.churn = self.config.churn
            self.world.churn_rates = dict(self.config.churn_rates)
            if "renames" in changes or WORLD_KNOBS & changes.keys():
                self.world.set_renames(self.config.renames)
        if "hold_jobs" in changes and not self.config.hold_jobs:
            self.jobs.end_due(time.time())

    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self._log.append(entry)

    @property
    def request_log(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def _job_ended(self, job: Job) -> None:
        """Charge a non-empty completed job once, then send its callback if it asked for one."""
        spec = job.spec
        if job.status_final == "completed" and job.rows > 0:
            self.ledger.charge(Charge(job.request_id, self.config.credit_cost, spec.platform,
                                      spec.interaction_type, spec.target, time.time()))
        if spec.callback_url:
            wrap = ok_data if job.callback_body == "envelope" else (lambda data, _at: data)
            final = encode(wrap(job.data(job.ended_at or time.time()), time.time()))
            progress = None
            if self.config.callback_early_progress:
                # What a poll said while the job ran: the stale payload of the fault.
                running = {"request_id": job.request_id, "status": "processing",
                           "completed": False, "created_on": iso_z(job.submitted_at)}
                progress = encode(wrap(running, job.submitted_at))
            self.callbacks.deliver(job.request_id, spec.callback_url, final, progress)
