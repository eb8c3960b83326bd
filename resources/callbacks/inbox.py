"""CallbackInbox: the API's callback deliveries, kept durably and idempotently in the ledger's DB.

Contract:
- One row per ``request_id`` in table ``nyne_callbacks`` (created if missing), holding the stored
  payload's status, its exact bytes as delivered (gzip-compressed), when it was first and last
  received (UTC) and how many deliveries arrived.
- ``store(body)`` accepts the whole envelope ``{"success", "data": {...}, "timestamp"}`` or only
  its ``data`` object; a body that is not UTF-8 JSON, not an object or has no ``request_id``
  raises ``InvalidDelivery`` (whose message never contains the body).
- Every delivery is counted. Which payload is kept: the first terminal one (``completed`` or
  ``failed``) wins for good: a later terminal one and any non-terminal one (a stale
  ``processing`` arriving out of order) leave it alone. A stored non-terminal payload is
  replaced by the next delivery, terminal or not (the newest word we have).
- One transaction per delivery, holding ``serialize(conn, "nyne_callbacks:<request_id>")``:
  threads and processes storing the same request_id queue instead of double-inserting (SQLite
  already serializes writers with ``BEGIN IMMEDIATE``). A lost insert race is retried as an
  update. Database errors (``sqlalchemy.exc.SQLAlchemyError``) propagate: the caller answers
  non-2xx so the API retries.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

import sqlalchemy as sa

from resources.lookups.ledger.db import describe, engine_for, ensure_tables, serialize
from resources.nyne.entries import to_bool
from resources.nyne.parsing import MalformedBody, unwrap

TERMINAL = frozenset({"completed", "failed"})
MAX_REQUEST_ID = 255

metadata = sa.MetaData()
callbacks = sa.Table(
    "nyne_callbacks", metadata,
    sa.Column("request_id", sa.Text, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),  # gzip of the exact bytes delivered
    sa.Column("first_received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("deliveries", sa.Integer, nullable=False),
)


class InvalidDelivery(ValueError):
    """A body we cannot store. ``code``: ``not_json``, ``not_object`` or ``no_request_id``."""

    def __init__(self, reason: str, code: str = "invalid") -> None:
        super().__init__(reason)
        self.reason, self.code = reason, code


@dataclass(frozen=True)
class StoreResult:
    request_id: str
    status: str  # this delivery's status (the stored one may differ: see ``kept``)
    duplicate: bool  # the request_id had been delivered before
    kept: bool  # this delivery's bytes are now the stored ones


@dataclass(frozen=True)
class Delivery:
    request_id: str
    status: str
    body: bytes  # exactly as delivered
    first_received_at: datetime
    last_received_at: datetime
    deliveries: int

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL


class CallbackInbox:
    """Callback deliveries in the database at SQLAlchemy ``url`` (SQLite or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._engine = engine_for(url)
        ensure_tables(self._engine, metadata)

    def __repr__(self) -> str:
        return f"CallbackInbox({describe(self._url)!r})"  # never the password

    def store(self, body: bytes) -> StoreResult:
        """Record one delivery of ``body`` (see the module's contract)."""
        request_id, status = parse_delivery(body)
        packed = gzip.compress(body, mtime=0)  # mtime=0: the same bytes compress the same
        for attempt in range(3):
            try:
                return self._store(request_id, status, body, packed)
            except sa.exc.IntegrityError:
                # Another writer inserted first despite the lock (e.g. a table made without
                # it): our transaction rolled back; the next try sees the row and updates.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, request_id: str) -> Optional[Delivery]:
        """The stored delivery for ``request_id``, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(callbacks).where(
                callbacks.c.request_id == request_id)).first()
        if row is None:
            return None
        return Delivery(row.request_id, row.status, gzip.decompress(row.body),
                        _utc(row.first_received_at), _utc(row.last_received_at), row.deliveries)

    def _store(self, request_id: str, status: str, body: bytes, packed: bytes) -> StoreResult:
        now = datetime.now(timezone.utc)
        key = callbacks.c.request_id == request_id
        with self._engine.begin() as conn:
            serialize(conn, "nyne_callbacks:" + request_id)
            row = conn.execute(sa.select(callbacks.c.status, callbacks.c.body).where(key)).first()
            if row is None:
                conn.execute(callbacks.insert().values(
                    request_id=request_id, status=status, body=packed, first_received_at=now,
                    last_received_at=now, deliveries=1))
                return StoreResult(request_id, status, duplicate=False, kept=True)
            values: dict[str, Any] = {"deliveries": callbacks.c.deliveries + 1,
                                      "last_received_at": now}
            replace = row.status not in TERMINAL
            if replace:
                values.update(status=status, body=packed)
            conn.execute(callbacks.update().where(key).values(**values))
            kept = replace or row.body == packed
            return StoreResult(request_id, status, duplicate=True, kept=kept)


def parse_delivery(body: bytes) -> tuple[str, str]:
    """``(request_id, status)`` of a delivery; ``InvalidDelivery`` names what is wrong."""
    try:
        decoded = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidDelivery("the body is not UTF-8", "not_json") from None
    except (ValueError, RecursionError):
        raise InvalidDelivery("the body is not JSON", "not_json") from None
    if not isinstance(decoded, dict):
        raise InvalidDelivery(f"the body is JSON {type(decoded).__name__}, not an object",
                              "not_object")
    try:
        data = unwrap(decoded)
    except MalformedBody:
        raise InvalidDelivery("the body has no request_id (neither an envelope with a 'data' "
                              "object nor a data object)", "no_request_id") from None
    request_id = data.get("request_id")
    if isinstance(request_id, int) and not isinstance(request_id, bool):
        request_id = str(request_id)
    if not isinstance(request_id, str) or not request_id.strip():
        raise InvalidDelivery("the body has no request_id (missing, empty or not a string)",
                              "no_request_id")
    if len(request_id) > MAX_REQUEST_ID:
        raise InvalidDelivery(f"the request_id is longer than {MAX_REQUEST_ID} characters",
                              "no_request_id")
    return request_id, _status(data)


def _status(data: dict[str, Any]) -> str:
    # As parse_job reads it: the status text, else the `completed` flag.
    status = str(data.get("status") or "").strip().lower()
    if status:
        return status
    return "completed" if to_bool(data.get("completed")) is True else "unknown"


def _utc(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we write is UTC.
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
