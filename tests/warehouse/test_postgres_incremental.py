"""Incremental builds on PostgreSQL, for real: three collections loaded into raw.* by the
``postgres_raw`` asset, each followed by an incremental ``dbt build --target postgres``, equal
row for row to one ``--full-refresh`` build of the same raw tables into another schema."""

import math
import random

import dagster as dg
import pytest

from resources.postgres import PostgresWarehouse
from resources.storage import SocialStorage
from social_assets.postgres_raw import postgres_raw
from tests.dbt.conftest import ensure_schema_files, run_dbt
from tests.dbt.test_incremental import BOOKKEEPING, TABLES, _collection
from tests.postgres import connect, scratch_database

pytestmark = pytest.mark.timeout(900)  # four dbt builds on PostgreSQL and three loads

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@pytest.fixture
def pg():
    with scratch_database() as database:
        yield database


def _env(pg, schema: str) -> dict[str, str]:
    return {"SOCIAL_PG_HOST": pg.host, "SOCIAL_PG_PORT": str(pg.port), "SOCIAL_PG_USER": pg.user,
            "SOCIAL_PG_DB": pg.dbname, "SOCIAL_PG_SCHEMA": schema}


def _table(pg, schema: str, table: str) -> tuple[list[str], list[tuple]]:
    with connect(pg.dbname) as conn, conn.cursor() as cur:
        cur.execute(f"select * from {schema}.{table} order by {TABLES[table]}")
        return [c.name for c in cur.description], cur.fetchall()


def test_three_incremental_postgres_builds_equal_one_full_refresh(pg, tmp_path):
    data = tmp_path / "data"
    ensure_schema_files(data / "raw")
    rng = random.Random(20261201)
    warehouse = PostgresWarehouse(host=pg.host, port=pg.port, user=pg.user, dbname=pg.dbname)
    with dg.instance_for_test() as instance:
        for batch in range(3):
            _collection(data, batch, rng)
            loaded = dg.materialize(
                [postgres_raw], instance=instance, run_config=QUIET,
                resources={"storage": SocialStorage(data_dir=str(data)), "postgres": warehouse})
            assert loaded.success
            result = run_dbt(["build"], data, target="postgres",
                             extra_env=_env(pg, "analytics"))
            if batch:
                assert "incremental model" in result.stdout
    run_dbt(["build", "--full-refresh"], data, target="postgres",
            extra_env=_env(pg, "analytics_full"))

    for table in TABLES:
        columns, got = _table(pg, "analytics", table)
        full_columns, want = _table(pg, "analytics_full", table)
        assert columns == full_columns and len(got) == len(want), table
        keep = [i for i, c in enumerate(columns) if c not in BOOKKEEPING]
        for got_row, want_row in zip(got, want):
            for i in keep:
                a, b = got_row[i], want_row[i]
                if isinstance(a, float) and isinstance(b, float):
                    assert math.isclose(a, b, abs_tol=1e-9), (table, columns[i])
                else:
                    assert a == b, (table, columns[i], got_row, want_row)
