"""A request id the API gave is never lost, even when the ledger cannot be written.

Right after a submit the ledger must record the request id: a row left ``claimed`` without it
is taken over later and bought again. When the ledger's database is unreachable at that
moment (SQLite locked by another process for a minute, PostgreSQL refusing connections):

- ``record_submitted`` retries the write with back-off for up to ``deadline_s``;
- before any of that, ``RequestJournal.append`` has written the id to a local append-only
  file (``$SOCIAL_DATA_DIR/request_journal.jsonl``, one JSON line, fsynced), and every
  run reconciles that file into the ledger (``RequestJournal.reconcile``) before it claims
  anything, so the next run resumes the request instead of buying it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from resources.lookups.ledger import Entry, RequestLedger

logger = logging.getLogger(__name__)
JOURNAL_FILE = "request_journal.jsonl"


class RequestJournal:
    """``path``: one line per request id the API gave: what was asked, by which run, when."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def append(self, entry: Entry, request_id: str, run_id: str) -> None:
        line = json.dumps({"request_id": request_id, "target": entry.target,
                           "params": entry.params, "run_id": run_id,
                           "at": datetime.now(timezone.utc).isoformat()}, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def reconcile(self, ledger: RequestLedger) -> list[str]:
        """Record in ``ledger`` every journalled request id it does not know; returns them."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        records = []
        for number, line in enumerate(lines, start=1):
            try:
                record = json.loads(line)
                records.append((record["request_id"], record))
            except (ValueError, KeyError, TypeError):  # a line torn by a crash mid-write
                logger.warning("%s line %d is not a journal record; skipped", self.path, number)
        known = ledger.known_request_ids([request_id for request_id, _ in records])
        adopted = []
        for request_id, record in records:
            if request_id in known:  # the usual case: one query for them all, above
                continue
            if ledger.adopt(target=record["target"], params=record["params"],
                            request_id=request_id, run_id=record["run_id"]):
                adopted.append(request_id)
                logger.warning("request %s (%s) was missing from the ledger: recorded from "
                               "%s, to be resumed", request_id, record["target"], self.path)
        return adopted


async def record_submitted(ledger: RequestLedger, entry_id: int, request_id: str, *,
                           deadline_s: float = 120.0, first_wait_s: float = 0.25) -> None:
    """``ledger.submitted``, retried with back-off while the database refuses it."""
    deadline, wait = time.monotonic() + deadline_s, first_wait_s
    while True:
        try:
            ledger.submitted(entry_id, request_id)
            return
        except sa.exc.DBAPIError as exc:
            if time.monotonic() + wait > deadline:
                raise
            logger.warning("the ledger could not record request %s (%s); retrying in %.2f s "
                           "(the request id is in the journal)", request_id,
                           type(exc.orig).__name__, wait)
            await asyncio.sleep(wait)
            wait = min(wait * 2, 8.0)
