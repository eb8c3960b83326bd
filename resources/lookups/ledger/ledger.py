"""The request ledger: every lookup we pay for, recorded before we wait for it.

A lookup's life, one row in ``nyne_lookups``::

    claimed -> submitted -> landed -> done
        \\-> failed         \\-> expired (404 on poll: resubmitted once)
    (any active row older than its time to live, or claimed by a dead process: abandoned)

* ``claimed``: a process took the lookup and is submitting it. At most one *active* row
  (claimed, submitted or landed) exists per lookup: a unique partial index says so, so two runs
  that want the same lookup at the same moment cannot both submit it; the loser waits, then
  resumes the winner's request.
* ``submitted``: the API gave a ``request_id`` (recorded before the first poll). A run that
  finds this row resumes the request instead of paying for a new one.
* ``landed``: the exact result JSON is archived; its credits are known. A run that finds this
  row turns the archive into Parquet without calling the API.
* ``done``: the Parquet snapshots are written. A run that asks for the lookup with
  ``reuse_since`` takes the newest done result that landed at or after that moment (typically
  when the run was created: a run queued behind another that bought the same lookup pays
  nothing); otherwise the next lookup of the target is a new one.

Credits: a claim reserves 3 (the most a lookup costs) against its run's budget until the
result shows the real charge (3, or 0 when empty); failed jobs and refused submits cost 0.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import sqlalchemy as sa

from .db import describe, engine_for, ensure_tables, serialize
from .models import MAX_LOOKUP_CREDITS, Acquired, CreditBudgetExceeded, Entry
from .processes import is_gone, this_process

CLAIMED, SUBMITTED, LANDED, DONE = "claimed", "submitted", "landed", "done"
FAILED, EXPIRED, ABANDONED = "failed", "expired", "abandoned"
ACTIVE = (CLAIMED, SUBMITTED, LANDED)

metadata = sa.MetaData()
_TS = sa.DateTime(timezone=True)
lookups = sa.Table(
    "nyne_lookups", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("lookup_key", sa.String(64), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("request_id", sa.Text, unique=True),
    sa.Column("run_id", sa.Text),
    sa.Column("owner", sa.Text),
    sa.Column("claimed_at", _TS, nullable=False),
    sa.Column("submitted_at", _TS),
    sa.Column("completed_at", _TS),
    sa.Column("reserved", sa.Integer, nullable=False, default=0),
    sa.Column("credits", sa.Integer),
    sa.Column("error", sa.Text),
)  # fmt: skip
_active = lookups.c.state.in_(ACTIVE)
sa.Index("nyne_lookups_one_active", lookups.c.lookup_key, unique=True,
         sqlite_where=_active, postgresql_where=_active)
sa.Index("nyne_lookups_run", lookups.c.run_id)


def lookup_key(params: dict[str, Any]) -> str:
    """The identity of a lookup: a hash of its canonical parameters."""
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


class RequestLedger:
    """The ledger in one database (see ``resources.lookups.ledger.db``). Every method is one transaction."""

    def __init__(self, url: str, *, ttl_s: float = 86400.0, claim_timeout_s: float = 900.0):
        self.url = url
        self.ttl = timedelta(seconds=ttl_s)
        self.claim_timeout = timedelta(seconds=claim_timeout_s)
        self._engine = engine_for(url)
        ensure_tables(self._engine, metadata)

    def __repr__(self) -> str:
        return f"RequestLedger({describe(self.url)!r})"

    def acquire(self, *, target: str, params: dict[str, Any], run_id: str,
                budget: Optional[int] = None, reuse_since: Optional[datetime] = None,
                budget_setting: str = "nyne.credit_budget_per_run") -> Acquired:
        """Find the active row of this lookup, or a done one that landed at or after
        ``reuse_since``, or claim a new one (checking the run's budget)."""
        key, now = lookup_key(params), _now()
        with self._engine.begin() as conn:
            serialize(conn, f"nyne_lookups:{key}")
            row = conn.execute(sa.select(lookups).where(lookups.c.lookup_key == key, _active)).first()
            if row is not None:
                entry = Entry.from_row(row)
                retire = self._retire_reason(entry, now)
                if retire is None:
                    action = {LANDED: "reuse", SUBMITTED: "resume"}.get(entry.state, "wait")
                    return Acquired(action, entry)
                conn.execute(lookups.update().where(lookups.c.id == entry.id)
                             .values(state=ABANDONED, error=retire))
            if reuse_since is not None:
                fresh = conn.execute(
                    sa.select(lookups).where(lookups.c.lookup_key == key, lookups.c.state == DONE,
                                             lookups.c.completed_at >= reuse_since)
                    .order_by(lookups.c.completed_at.desc()).limit(1)).first()
                if fresh is not None:
                    return Acquired("reuse", Entry.from_row(fresh))
            if budget is not None:
                serialize(conn, f"nyne_budget:{run_id}")
                committed = self._committed(conn, run_id)
                if committed + MAX_LOOKUP_CREDITS > budget:
                    raise CreditBudgetExceeded(target=target, run_id=run_id, budget=budget,
                                               committed=committed, setting=budget_setting)
            new_id = conn.execute(lookups.insert().values(
                lookup_key=key, target=target, params=json.dumps(params, sort_keys=True),
                state=CLAIMED, run_id=run_id, owner=this_process(), claimed_at=now,
                reserved=MAX_LOOKUP_CREDITS)).inserted_primary_key[0]
            return Acquired("submit", self._get(conn, new_id))

    def _retire_reason(self, entry: Entry, now: datetime) -> Optional[str]:
        started = entry.submitted_at or entry.claimed_at
        if now - started > self.ttl:
            return f"older than the request time to live ({self.ttl})"
        if entry.state == CLAIMED and (now - entry.claimed_at > self.claim_timeout
                                       or is_gone(entry.owner)):
            return f"claimed by {entry.owner}, which stopped before recording a request id"
        return None

    def submitted(self, entry_id: int, request_id: str) -> None:
        self._set(entry_id, (CLAIMED,), state=SUBMITTED, request_id=request_id,
                  submitted_at=_now())

    def adopt(self, *, target: str, params: dict[str, Any], request_id: str,
              run_id: str) -> bool:
        """Record a request id the API gave that the ledger never heard of (from the journal):
        the claim it was bought for (same run, or one whose process is gone) takes it, else a
        new ``submitted`` row does (or, when another request of the lookup is active, an
        ``abandoned`` one, kept so the id is known). Returns False when the ledger already
        knows the id."""
        key, now = lookup_key(params), _now()
        with self._engine.begin() as conn:
            serialize(conn, f"nyne_lookups:{key}")
            if conn.execute(sa.select(lookups.c.id).where(lookups.c.request_id == request_id)).first():
                return False
            active = conn.execute(sa.select(lookups).where(lookups.c.lookup_key == key, _active)).first()
            claim = Entry.from_row(active) if active is not None and active.state == CLAIMED else None
            if claim is not None and (claim.run_id == run_id or self._retire_reason(claim, now)):
                conn.execute(lookups.update().where(lookups.c.id == active.id).values(
                    state=SUBMITTED, request_id=request_id, submitted_at=now))
                return True
            conn.execute(lookups.insert().values(
                lookup_key=key, target=target, params=json.dumps(params, sort_keys=True),
                state=SUBMITTED if active is None else ABANDONED, request_id=request_id,
                run_id=run_id, owner=None, claimed_at=now, submitted_at=now,
                reserved=MAX_LOOKUP_CREDITS,
                error=None if active is None else "a journalled request of an active lookup"))
            return True

    def landed(self, entry_id: int, credits: int) -> None:
        self._set(entry_id, (CLAIMED, SUBMITTED), state=LANDED, credits=credits, reserved=0,
                  completed_at=_now())

    def done(self, entry_id: int) -> None:
        self._set(entry_id, (LANDED,), state=DONE)

    def failed(self, entry_id: int, error: str, *, charged: bool = False) -> None:
        """A terminal failure; ``charged=False`` releases the reservation (nothing was bought)."""
        values: dict[str, Any] = {"state": FAILED, "error": error[:2000]}
        if not charged:
            values.update(reserved=0, credits=0)
        self._set(entry_id, ACTIVE, **values)

    def expired(self, entry_id: int, error: str) -> None:
        """The API no longer knows the request (404). Its reservation stays: it may be charged."""
        self._set(entry_id, (SUBMITTED,), state=EXPIRED, error=error[:2000])

    def get(self, entry_id: int) -> Entry:
        with self._engine.begin() as conn:
            return self._get(conn, entry_id)

    def find(self, *, request_id: Optional[str] = None, target: Optional[str] = None) -> list[Entry]:
        query = sa.select(lookups).order_by(lookups.c.id)
        if request_id is not None:
            query = query.where(lookups.c.request_id == request_id)
        if target is not None:
            query = query.where(lookups.c.target == target)
        with self._engine.begin() as conn:
            return [Entry.from_row(r) for r in conn.execute(query)]

    def known_request_ids(self, request_ids: list[str]) -> set[str]:
        """Those of ``request_ids`` that a row of the ledger holds (one query per 500)."""
        known: set[str] = set()
        with self._engine.begin() as conn:
            for start in range(0, len(request_ids), 500):
                chunk = request_ids[start:start + 500]
                known.update(conn.execute(sa.select(lookups.c.request_id)
                                          .where(lookups.c.request_id.in_(chunk))).scalars())
        return known

    def run_credits(self, run_id: str) -> int:
        """Credits the run's own submits cost, or may still cost (reserved, not yet known)."""
        with self._engine.begin() as conn:
            return self._committed(conn, run_id)

    def credits_since(self, since: datetime) -> int:
        """Credits every lookup claimed at or after ``since`` cost, or may still cost (reserved,
        not yet known): what the account has spent since then, by this ledger's runs."""
        total = sa.func.coalesce(sa.func.sum(sa.func.coalesce(lookups.c.credits, lookups.c.reserved)), 0)
        with self._engine.begin() as conn:
            return int(conn.execute(sa.select(total).where(lookups.c.claimed_at >= since)).scalar_one())

    def _committed(self, conn: sa.Connection, run_id: str) -> int:
        total = sa.func.coalesce(sa.func.sum(sa.func.coalesce(lookups.c.credits, lookups.c.reserved)), 0)
        return int(conn.execute(sa.select(total).where(lookups.c.run_id == run_id)).scalar_one())

    def _get(self, conn: sa.Connection, entry_id: int) -> Entry:
        return Entry.from_row(conn.execute(sa.select(lookups).where(lookups.c.id == entry_id)).one())

    def _set(self, entry_id: int, from_states: tuple[str, ...], **values: Any) -> None:
        """Move a row on; a row already past ``from_states`` (another run did it) stays."""
        with self._engine.begin() as conn:
            conn.execute(lookups.update()
                         .where(lookups.c.id == entry_id, lookups.c.state.in_(from_states))
                         .values(**values))


def _now() -> datetime:
    return datetime.now(timezone.utc)

