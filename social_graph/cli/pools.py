"""While ``collect`` waits for a pool slot, it says what holds the slot and how to free it.

The instance caps the steps of each pool (``nyne_api``, ``warehouse``: one at a time). A step
whose slot another run holds waits for it, and an in-process run prints nothing meanwhile:
a collection behind a long backfill, or behind a run whose process died on another host,
looked hung. ``SlotWatch`` watches a run from a thread and, once its step has waited
``grace_s``, prints each holder (run, status, process) and repeats every ``every_s``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import dagster as dg
from dagster._utils.concurrency import ConcurrencyKeyInfo

from social_graph.cli.reaper import PROCESS_TAG


def holders(instance: dg.DagsterInstance, pool: str, *, but: str | None = None,
            info: ConcurrencyKeyInfo | None = None) -> list[str]:
    """One line per run (other than ``but``) holding a slot of ``pool`` (read now, or from
    ``info``)."""
    info = info or instance.event_log_storage.get_concurrency_info(pool)
    lines = []
    for slot in info.claimed_slots:
        if slot.run_id == but:
            continue
        record = instance.get_run_record_by_id(slot.run_id)
        if record is None:
            lines.append(f"run {slot.run_id} (deleted) holds a {pool} slot")
            continue
        run = record.dagster_run
        process = run.tags.get(PROCESS_TAG)
        where = f", process {process}" if process else ""
        lines.append(f"run {run.run_id} ({run.job_name}, {run.status.value}{where}) holds "
                     f"the {pool} slot")
    return lines


def waiting_message(instance: dg.DagsterInstance, pool: str, run_id: str,
                    info: ConcurrencyKeyInfo | None = None) -> str | None:
    """What to print for ``run_id`` waiting on ``pool``, or None when nobody else holds it."""
    held = holders(instance, pool, but=run_id, info=info)
    if not held:
        return None
    return (f"waiting for the {pool} pool: " + "; ".join(held) + ". This goes on when that "
            "run ends. A collect run whose process is gone from this host is closed by the next "
            "collect; any other dead run: terminate it in the UI (Runs > the run > Terminate), "
            "and its slot is freed within a minute")


class SlotWatch:
    """Prints ``waiting_message`` for the newest run tagged ``tags`` while it waits on ``pool``."""

    def __init__(self, instance: dg.DagsterInstance, pool: str, tags: dict[str, str],
                 say: Callable[[str], None], *, grace_s: float = 10.0, every_s: float = 60.0):
        self.instance, self.pool, self.tags, self.say = instance, pool, tags, say
        self.grace_s, self.every_s = grace_s, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name=f"slot-watch-{pool}",
                                        daemon=True)

    def __enter__(self) -> "SlotWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)

    def _watch(self) -> None:
        wait = self.grace_s
        while not self._stop.wait(wait):
            wait = self.every_s
            records = self.instance.get_run_records(dg.RunsFilter(tags=self.tags), limit=1)
            if not records:
                continue
            run_id = records[0].dagster_run.run_id
            info = self.instance.event_log_storage.get_concurrency_info(self.pool)
            if any(step.run_id == run_id for step in info.pending_steps) or not any(
                    slot.run_id == run_id for slot in info.claimed_slots):
                message = waiting_message(self.instance, self.pool, run_id, info)
                if message:
                    self.say(message)
