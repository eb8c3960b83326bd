"""The rate-limit store in the ledger's database (SQLAlchemy): PostgreSQL or SQLite.

Two tables: ``rate_limit_slots`` (one row per slot of the windows: its account, its stamp, or
while its request is in flight no stamp and the end of its lease) and ``rate_limit_pauses``
(the provider's pause per account). Every operation is one transaction that first serializes
on the account: on PostgreSQL a transaction-scoped advisory lock (``pg_advisory_xact_lock``,
through the ledger's ``serialize``) and the database's clock (``clock_timestamp()``), so
processes on several machines agree; on SQLite the ledger engine's ``BEGIN IMMEDIATE`` (the
write lock, held to the commit) and this machine's clock: one machine only.

On PostgreSQL the engine is the ledger's (``resources.lookups.ledger.db.engine_for``: one per
URL and process). On SQLite it is one of this module's, opened the ledger's way (WAL, a long
busy timeout, ``BEGIN IMMEDIATE``) but with ``synchronous=NORMAL``: a slot is one commit per
request, and the ledger's fsync per commit (``FULL``) would make the shared lock the
bottleneck; a window log need only survive its processes, not a power cut. The tables may live
beside the ledger's in the same file, which is the default.
"""

from __future__ import annotations

import contextlib
import fcntl
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterator, Optional

import sqlalchemy as sa

from .store import Grant, RateStoreError, Windows, describe, horizon, wait_needed

metadata = sa.MetaData()

slots = sa.Table(
    "rate_limit_slots", metadata,
    sa.Column("slot", sa.String(32), primary_key=True),
    sa.Column("account", sa.String(64), nullable=False),
    sa.Column("stamp", sa.Double, nullable=True),  # NULL while the request is in flight
    sa.Column("lease_until", sa.Double, nullable=True),  # set while in flight
    sa.Index("rate_limit_slots_by_account", "account", "stamp"),
)  # fmt: skip

pauses = sa.Table(
    "rate_limit_pauses", metadata,
    sa.Column("account", sa.String(64), primary_key=True),
    sa.Column("paused_until", sa.Double, nullable=False),
)  # fmt: skip


class SqlStore:
    """Slots in a SQL database; see the module docstring. Thread-safe: each call is its own
    transaction on a pooled connection."""

    shared = True

    def __init__(self, url: str, setting: str) -> None:
        self.url, self._setting, self._shown = url, setting, describe(url)
        self._engine: Optional[sa.Engine] = None
        self._lock = threading.Lock()
        self._queue = _FileQueue(url)

    def _ready(self) -> sa.Engine:
        with self._lock:
            if self._engine is None:
                from resources.lookups.ledger.db import engine_for, ensure_tables

                try:
                    engine = _sqlite(self.url) if self.url.startswith("sqlite") \
                        else engine_for(self.url)
                    ensure_tables(engine, metadata)
                except (sa.exc.SQLAlchemyError, OSError, ImportError) as exc:
                    reason = getattr(exc, "orig", None) or exc
                    first = str(reason).strip().splitlines()[0] if str(reason).strip() else ""
                    raise RateStoreError(
                        f"{self._setting} is {self._shown!r}: the database cannot be used "
                        f"({type(reason).__name__}: {first})") from None
                self._engine = engine
            return self._engine

    def check(self) -> None:
        """Connect and create the tables now: a clear error rather than a failed request later."""
        self._ready()

    @contextlib.contextmanager
    def _transaction(self, account: str) -> Iterator[tuple[sa.Connection, float]]:
        """One transaction serialized on ``account``, and the clock it runs at."""
        engine = self._ready()
        with self._queue:
            with engine.begin() as conn:
                yield conn, self._begin(conn, account)

    def _begin(self, conn: sa.Connection, account: str) -> float:
        """Serialize on ``account`` until the commit; the database's clock (SQLite: ours)."""
        if conn.dialect.name == "postgresql":
            from resources.lookups.ledger.db import serialize

            serialize(conn, f"social_graph_rate:{account}")
            clock = sa.text("select extract(epoch from clock_timestamp())")
            return float(conn.execute(clock).scalar_one())
        return time.time()  # BEGIN IMMEDIATE: this transaction already holds the write lock

    def acquire(self, account: str, windows: Windows, *, hold: bool, lease_s: float) -> Grant:
        mine = slots.c.account == account
        with self._transaction(account) as (conn, now):
            conn.execute(  # a holder that outlived its lease: stamped at the lease's end
                slots.update().where(mine, slots.c.stamp.is_(None), slots.c.lease_until <= now)
                .values(stamp=slots.c.lease_until, lease_until=None))
            conn.execute(slots.delete().where(mine, slots.c.stamp <= now - horizon(windows)))
            stamps = [row.stamp for row in conn.execute(sa.select(slots.c.stamp).where(mine))]
            paused = conn.execute(
                sa.select(pauses.c.paused_until).where(pauses.c.account == account)).scalar()
            stamped = [s for s in stamps if s is not None]
            wait = wait_needed(stamped, len(stamps) - len(stamped), now, windows,
                               paused if paused is not None else 0.0, held_at=now)
            if wait > 0:
                return Grant(None, wait)
            slot = uuid.uuid4().hex
            conn.execute(slots.insert().values(
                slot=slot, account=account, stamp=None if hold else now,
                lease_until=now + lease_s if hold else None))
            return Grant(slot, at=now)

    def release(self, account: str, slot: str) -> None:
        with self._transaction(account) as (conn, now):
            done = conn.execute(slots.update().where(slots.c.slot == slot)
                                .values(stamp=now, lease_until=None))
            if done.rowcount == 0:  # aged out after its lease ended: count it from now again
                conn.execute(slots.insert().values(slot=slot, account=account, stamp=now))

    def pause(self, account: str, seconds: float) -> None:
        with self._transaction(account) as (conn, now):
            current = conn.execute(
                sa.select(pauses.c.paused_until).where(pauses.c.account == account)).scalar()
            if current is None:
                conn.execute(pauses.insert().values(account=account, paused_until=now + seconds))
            elif now + seconds > current:
                conn.execute(pauses.update().where(pauses.c.account == account)
                             .values(paused_until=now + seconds))


_sqlite_engines: dict[str, sa.Engine] = {}
_sqlite_lock = threading.Lock()


def _sqlite(url: str) -> sa.Engine:
    """This process's SQLite engine for ``url``: the ledger's recipe, ``synchronous=NORMAL``."""
    with _sqlite_lock:
        engine = _sqlite_engines.get(url)
        if engine is not None:
            return engine
        from resources.lookups.ledger.db import sqlite_engine

        engine = sqlite_engine(url, synchronous="NORMAL")
        _sqlite_engines[url] = engine
        return engine


class _FileQueue:
    """On SQLite, writers queue in the kernel (``flock`` on a ``.ratelock`` file beside it) before
    ``BEGIN IMMEDIATE``: SQLite's own busy handler sleeps up to 100 ms between tries, so
    processes taking turns at a slot every few milliseconds would otherwise wait for it far
    longer than the lock is held. Elsewhere (PostgreSQL, in-memory or URI databases): nothing."""

    def __init__(self, url: str) -> None:
        parsed = sa.engine.make_url(url)
        plain = (parsed.get_backend_name() == "sqlite" and not parsed.query.get("uri")
                 and parsed.database not in (None, "", ":memory:"))
        self._path = Path(parsed.database).expanduser().with_suffix(".ratelock") if plain else None
        self._threads = threading.Lock()
        self._file: Optional[Any] = None

    def __enter__(self) -> None:
        if self._path is None:
            return
        self._threads.acquire()
        try:
            if self._file is None:
                self._file = open(self._path, "a")
            fcntl.flock(self._file, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def __exit__(self, *exc: Any) -> None:
        if self._path is None:
            return
        try:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._threads.release()
