"""The ledger's database: SQLite in the data dir by default, PostgreSQL when configured
(``resources.settings`` resolves the URL).

One SQLAlchemy engine per URL and process. SQLite is opened in WAL mode with a long busy timeout
and every transaction starts ``BEGIN IMMEDIATE``, so writers in several processes (run workers,
the callback receiver) queue for the write lock instead of failing, and a check-then-insert
inside one transaction cannot race another process. On PostgreSQL, ``serialize(conn, name)``
takes a transaction-scoped advisory lock for the same effect.

``synchronous=FULL``: a row is on disk when its transaction commits, so an acknowledged
callback or a recorded ``request_id`` survives a crash of the machine, not only of the process.
"""

from __future__ import annotations

import threading
import zlib
from pathlib import Path
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import make_url

_engines: dict[str, sa.Engine] = {}
_lock = threading.Lock()


def describe(url: str) -> str:
    """The URL without its password, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


def engine_for(url: str) -> sa.Engine:
    """The process's engine for ``url`` (made on first use; SQLite folders are created)."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create(url)
        return engine


def dispose_all() -> None:
    """Close every pooled connection (tests; a forked child must not share its parent's)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _ensured.clear()


def _create(url: str) -> sa.Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, future=True)
    return sqlite_engine(url)


def sqlite_engine(url: str, *, synchronous: str = "FULL") -> sa.Engine:
    """A new SQLite engine: WAL, a 60 s busy timeout, every transaction ``BEGIN IMMEDIATE``
    (the write lock taken up front, so two writers queue instead of failing at their first
    write), fsynced per ``synchronous`` (FULL for the ledger; the rate store uses NORMAL)."""
    parsed = make_url(url)
    # A plain file path gets its folder made; a SQLite URI (``file:...?mode=ro&uri=true``)
    # names a database that must already exist, and is no folder to make.
    if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's documented recipe: we emit BEGIN
        cursor = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "busy_timeout=60000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def ensure_tables(engine: sa.Engine, metadata: sa.MetaData) -> None:
    """Create ``metadata``'s missing tables, once per process, safely from many processes
    (PostgreSQL's CREATE races itself: an advisory lock serializes the creators)."""
    key = (engine.url.render_as_string(hide_password=False), id(metadata))
    if key in _ensured:
        return
    with engine.begin() as conn:
        serialize(conn, "social_graph_schema")
        metadata.create_all(conn, checkfirst=True)
    _ensured.add(key)


_ensured: set[tuple[str, int]] = set()


def serialize(conn: sa.Connection, name: str) -> None:
    """Hold a lock named ``name`` until the transaction ends (SQLite: already serialized)."""
    if conn.dialect.name == "postgresql":
        key = zlib.crc32(name.encode()) - 2**31  # a signed 32-bit key
        conn.execute(sa.text("select pg_advisory_xact_lock(:k)"), {"k": key})


def is_sqlite(url: Optional[str]) -> bool:
    return bool(url) and make_url(url).get_backend_name() == "sqlite"
