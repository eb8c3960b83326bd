"""Waits for the runs and backfills the tests launch themselves."""

from __future__ import annotations

from tests.ui import readers as read

RUN_DEADLINE_S = 420


def wait_run(stack, run_id: str) -> dict:
    return stack.wait_for(f"run {run_id} to finish",
                          lambda: (r := read.run(stack.gql, run_id)) and read.terminal(r) and r,
                          RUN_DEADLINE_S)


def wait_backfill(stack, backfill_id: str) -> dict:
    def done():
        b = read.backfill(stack.gql, backfill_id)
        if b["status"] in read.BACKFILL_DONE and all(read.terminal(r) for r in b["runs"]):
            return b
        return None

    return stack.wait_for(f"backfill {backfill_id} to complete", done, RUN_DEADLINE_S,
                          interval_s=3.0)
