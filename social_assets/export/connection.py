"""A read-only connection to the warehouse the dbt project built: DuckDB or PostgreSQL.

Which warehouse, and where, is ``resources.settings.Settings``:

- ``duckdb``: the file ``settings.warehouse_path``; schema ``main``. Read-only, so it never takes DuckDB's single writer lock, but it cannot open while
  a writer (a dbt build) holds the file: the asset shares the ``warehouse`` pool with dbt. A
  data dir on object storage is registered as the connection's fsspec filesystem, so
  ``read_parquet('s3://.../raw/...')`` reads the raw snapshots too.
- ``postgres``: ``SOCIAL_PG_HOST/PORT/USER/PASSWORD/DB`` (through ``resources.postgres``, the
  same settings the dbt profile reads), schema ``$SOCIAL_PG_SCHEMA`` (default ``analytics``),
  in a read-only session.
"""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from resources.datadir import register_with_duckdb
from resources.settings import DBT_TARGETS, Settings

DEFAULT_PG_SCHEMA = "analytics"


class WarehouseNotFound(Exception):
    """The DuckDB warehouse file does not exist yet (the dbt build has not run)."""

    def __init__(self, path: Path):
        super().__init__(f"no DuckDB warehouse at {path}: build it first (dbt build)")
        self.path = path


@contextlib.contextmanager
def connect_warehouse(settings: Settings) -> Iterator:
    """A DB-API connection to the marts of ``settings.dbt_target`` (``duckdb`` or
    ``postgres``), read-only, closed when the block ends. Raises ``WarehouseNotFound`` for a
    missing DuckDB file and ``ValueError`` for an unknown target."""
    target = settings.dbt_target
    if target == "duckdb":
        import duckdb

        path = settings.warehouse_path
        if not path.is_file():
            raise WarehouseNotFound(path)
        conn = duckdb.connect(str(path), read_only=True)
        register_with_duckdb(conn, settings.data_dir)  # raw files on a store, if a query wants
    elif target == "postgres":
        from resources.postgres import PostgresWarehouse

        conn = PostgresWarehouse().connect()
        conn.set_session(readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("select set_config('search_path', %s, false)",
                           (os.environ.get("SOCIAL_PG_SCHEMA") or DEFAULT_PG_SCHEMA,))
    else:
        raise ValueError(f"unknown warehouse target {target!r}: expected one of {DBT_TARGETS}")
    try:
        yield conn
    finally:
        conn.close()
