"""Runs of ``social-graph collect`` whose process died (SIGKILL, power loss): close them.

``collect`` runs in-process, with no daemon to watch it. A run whose process was killed stays
STARTED in the instance and keeps its ``nyne_api`` pool slot, so the next collection would wait
for that slot forever. Each run is tagged with its host and pid; a run of this host whose pid
is gone is marked failed and its slots are freed. Its lookups are not lost: the request ledger
has them, and the next run resumes them.
"""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg

from resources.lookups.ledger.processes import is_gone, this_process

PROCESS_TAG = "social/process"


def process_tag() -> dict[str, str]:
    return {PROCESS_TAG: this_process()}


def reap_dead_runs(instance: dg.DagsterInstance, say: Callable[[str], None] = print) -> list[str]:
    """Fail every unfinished run of a dead ``collect`` process on this host; returns run ids."""
    records = instance.get_run_records(dg.RunsFilter(
        statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING,
                  dg.DagsterRunStatus.CANCELING]))
    reaped = []
    for record in records:
        run = record.dagster_run
        process = run.tags.get(PROCESS_TAG)
        if not is_gone(process):
            continue
        instance.report_run_failed(run, f"its process ({process}) is gone; closed by the "
                                        "next collect, which resumes its lookups")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(run.run_id)
        say(f"closed run {run.run_id}: its process {process} died (its lookups will be resumed)")
    return reaped
