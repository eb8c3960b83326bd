"""The PostgreSQL these machines run at 127.0.0.1:5432, for tests that need it for real.

Without it a test skips with the reason, except under ``CI=true``, where it fails: CI must not
pass by skipping what it is there to check.
"""

import contextlib
import os
import uuid
from dataclasses import dataclass

import pytest

PG_HOST = os.environ.get("SOCIAL_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("SOCIAL_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("SOCIAL_TEST_PG_USER", "postgres")
PG_ADMIN_DB = os.environ.get("SOCIAL_TEST_PG_DB", "test")


def connect(dbname: str):
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname,
                            connect_timeout=3)
    conn.autocommit = True
    return conn


@dataclass(frozen=True)
class Database:
    host: str
    port: int
    user: str
    dbname: str


@contextlib.contextmanager
def scratch_database():
    """A new, empty database for one test; dropped afterwards."""
    try:
        admin = connect(PG_ADMIN_DB)
    except Exception as exc:  # psycopg2.OperationalError and friends
        reason = f"PostgreSQL at {PG_HOST}:{PG_PORT} (user {PG_USER}) is not reachable: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs PostgreSQL: {reason}")
        pytest.skip(reason)
    name = f"social_graph_test_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f'create database "{name}"')
    try:
        yield Database(PG_HOST, PG_PORT, PG_USER, name)
    finally:
        with admin.cursor() as cur:
            cur.execute(f'drop database if exists "{name}" with (force)')
        admin.close()


def warehouse_env(database: Database, schema: str = "analytics") -> dict[str, str]:
    """The ``SOCIAL_PG_*`` variables that point the project's PostgreSQL warehouse (the dbt
    profile, ``resources.postgres``) at ``database``: ``monkeypatch.setenv`` each."""
    return {"SOCIAL_PG_HOST": database.host, "SOCIAL_PG_PORT": str(database.port),
            "SOCIAL_PG_USER": database.user, "SOCIAL_PG_DB": database.dbname,
            "SOCIAL_PG_SCHEMA": schema}
