"""The PostgreSQL warehouse (dbt target ``postgres``): connection settings from ``SOCIAL_PG_*``."""

import os
from typing import Optional

import dagster as dg
from pydantic import Field

_DEFAULTS = {"host": "127.0.0.1", "port": "5432", "user": "postgres", "password": "",
             "dbname": "social_graph"}
_ENV = {"host": "SOCIAL_PG_HOST", "port": "SOCIAL_PG_PORT", "user": "SOCIAL_PG_USER",
        "password": "SOCIAL_PG_PASSWORD", "dbname": "SOCIAL_PG_DB"}


class PostgresWarehouse(dg.ConfigurableResource):
    """Where the raw tables are loaded for dbt-postgres. Unset fields come from
    ``SOCIAL_PG_HOST/PORT/USER/PASSWORD/DB`` when a run starts (the same variables the dbt
    profile reads), then from the defaults (127.0.0.1:5432, user postgres, db social_graph)."""

    host: Optional[str] = Field(default=None, description="Default: $SOCIAL_PG_HOST.")
    port: Optional[int] = Field(default=None, description="Default: $SOCIAL_PG_PORT.")
    user: Optional[str] = Field(default=None, description="Default: $SOCIAL_PG_USER.")
    dbname: Optional[str] = Field(default=None, description="Default: $SOCIAL_PG_DB.")
    raw_schema: str = Field(default="raw", description="Schema of the loaded raw tables.")

    def _setting(self, name: str) -> str:
        explicit = getattr(self, name, None)
        return str(explicit) if explicit is not None else os.environ.get(_ENV[name], _DEFAULTS[name])

    def connect(self):
        """A new psycopg2 connection (the password only ever comes from the environment)."""
        import psycopg2

        return psycopg2.connect(
            host=self._setting("host"), port=int(self._setting("port")),
            user=self._setting("user"), dbname=self._setting("dbname"),
            password=os.environ.get(_ENV["password"], _DEFAULTS["password"]) or None,
            connect_timeout=10, application_name="social-graph")
