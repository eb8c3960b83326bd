"""A request id the API gave is never lost, even when the ledger cannot be written.

Right after a submit the ledger must record the request id: a row left ``claimed`` without it
is taken over later and bought again. When the ledger's database is unreachable at that
moment (SQLite locked by another process for a minute, PostgreSQL refusing connections):

- ``record_submitted`` retries the write with back-off for up to ``deadline_s``;
- before any of that, ``RequestJournal.append`` has written the id to a local append-only
  file (``$SOCIAL_DATA_DIR/request_journal.jsonl``, one JSON line, fsynced), and every
  run reconciles that file into the ledger (``RequestJournal.reconcile``) before it claims
  anything, so the next run resumes the request instead of buying it again.

Object stores cannot append: with a URL data dir the journal is a folder,
``<data>/request_journal/<request_id>.json``, one small object per entry (one upload each), and
``reconcile`` lists it and reads only the entries whose request id the ledger does not know. A
store that refuses the entry does not stop the submit from being recorded in the ledger (the
journal only covers a ledger that is down): it is logged, and the ledger write goes on.
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

from resources.datadir import DataPath, is_remote, put_bytes
from resources.lookups.ledger import Entry, RequestLedger

logger = logging.getLogger(__name__)
JOURNAL_FILE = "request_journal.jsonl"
JOURNAL_FOLDER = "request_journal"  # on object storage: one object per entry


class RequestJournal:
    """``path``: one line per request id the API gave: what was asked, by which run, when (on
    object storage, a folder of one ``<request_id>.json`` object per entry)."""

    def __init__(self, path: DataPath):
        self.path = path if is_remote(path) else Path(path)

    @classmethod
    def of(cls, data_root: DataPath) -> "RequestJournal":
        """The data dir's journal: the local file, or the folder on object storage."""
        return cls(data_root / (JOURNAL_FOLDER if is_remote(data_root) else JOURNAL_FILE))

    def append(self, entry: Entry, request_id: str, run_id: str) -> None:
        line = json.dumps({"request_id": request_id, "target": entry.target,
                           "params": entry.params, "run_id": run_id,
                           "at": datetime.now(timezone.utc).isoformat()}, sort_keys=True)
        if is_remote(self.path):
            self._put(request_id, line)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def _put(self, request_id: str, line: str) -> None:
        if not request_id or "/" in request_id or request_id.startswith("."):
            raise ValueError(f"request id {request_id!r} is not safe as an object name")
        try:
            put_bytes(self.path / f"{request_id}.json", (line + "\n").encode("utf-8"))
        except Exception as exc:  # noqa: BLE001 - the ledger write that follows must still run
            logger.warning("the journal %s could not record request %s (%s: %s); the ledger "
                           "records it next", self.path, request_id, type(exc).__name__, exc)

    def _remote_records(self, ledger: RequestLedger) -> list[tuple[str, dict]]:
        """The entries of the journal folder whose request id ``ledger`` does not know: one
        listing, then one read per unknown entry only."""
        if not self.path.is_dir():
            return []
        names = {p.name[:-len(".json")]: p for p in self.path.glob("*.json")}
        known = ledger.known_request_ids(sorted(names))
        records = []
        for request_id in sorted(set(names) - set(known)):
            try:
                record = json.loads(names[request_id].read_text(encoding="utf-8"))
                records.append((record["request_id"], record))
            except (ValueError, KeyError, TypeError):
                logger.warning("%s is not a journal record; skipped", names[request_id])
        return records

    def _local_records(self) -> list[tuple[str, dict]]:
        """Every line of the local journal file that is a record."""
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
        return records

    def reconcile(self, ledger: RequestLedger) -> list[str]:
        """Record in ``ledger`` every journalled request id it does not know; returns them."""
        records = (self._remote_records(ledger) if is_remote(self.path)
                   else self._local_records())
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
