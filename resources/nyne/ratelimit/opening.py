"""From a URL to a rate-limit store: ``redis://``, ``postgresql://``, ``sqlite:///`` or ``local``.

One shared store per URL and process (``open_store`` caches it): every client of the process
takes its slots through the same connection pool. ``local`` is a new in-process store each time,
as a limiter had before stores existed. Nothing connects here; ``RateStore.check()`` does.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from .store import LocalStore, RateStore, RateStoreError, describe

LOCAL = "local"
_SQL_SCHEMES = ("postgresql", "sqlite")
_REDIS_SCHEMES = ("redis", "rediss", "unix")

_stores: dict[tuple[str, str], RateStore] = {}  # by URL and the setting its errors name
_lock = threading.Lock()


def open_store(url: str, setting: str = "the rate-limit store URL", *,
               clock: Callable[[], float] = time.monotonic) -> RateStore:
    """The store ``url`` names; ``setting`` (e.g. ``$SOCIAL_RATE_LIMIT_URL``) names where it
    came from in the ``RateStoreError`` raised for a URL of no known kind. ``clock`` is the
    local store's (tests)."""
    raw = (url or "").strip()
    if raw.lower() == LOCAL:
        return LocalStore(clock)
    scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
    family = scheme.split("+", 1)[0]  # postgresql+psycopg2, sqlite+pysqlite
    if family not in _SQL_SCHEMES + _REDIS_SCHEMES:
        raise RateStoreError(
            f"{setting} is {describe(raw)!r}: expected redis://host:port/db, "
            "postgresql://user@host/db, sqlite:///path/to/file.sqlite or local")
    with _lock:
        store = _stores.get((raw, setting))
        if store is None:
            if family in _REDIS_SCHEMES:
                from .redis_store import RedisStore

                store = RedisStore(raw, setting)
            else:
                from .sql_store import SqlStore

                store = SqlStore(raw, setting)
            _stores[raw, setting] = store
        return store
