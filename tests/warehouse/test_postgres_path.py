"""The PostgreSQL warehouse, for real: load the raw snapshots, dbt build on the postgres target,
and get the same marts as on DuckDB."""

import math

import dagster as dg
import pytest

from resources.postgres import PostgresWarehouse
from resources.storage import SocialStorage
from social_assets.postgres_raw import postgres_raw
from tests.dbt.conftest import query, run_dbt
from tests.dbt.synthetic import build_collection
from tests.postgres import connect, scratch_database

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
MARTS = {
    "fct_follows": "platform, follower_username, followed_username, is_current",
    "mutual_follows": "platform, username_a, username_b",
    "audience_overlap": "platform, target_a, target_b, followers_a, followers_b, "
                        "shared_followers, round(jaccard::numeric, 9)",
    "follower_changes": "platform, target_username, gained, lost, net, is_truncated",
    "account_metrics": "platform, username, in_degree, out_degree, mutual_count, pagerank",
    "fct_replies": "reply_id, platform, tweet_id, replier_username, reply_text",
    "dim_accounts": "platform, username, display_name, followers_count, is_verified",
}


@pytest.fixture(scope="module")
def pg():
    with scratch_database() as database:
        yield database


def _rows(rows):
    out = []
    for row in rows:
        out.append(tuple(round(float(v), 9) if isinstance(v, float) or type(v).__name__ == "Decimal"
                         else v for v in row))
    return sorted(out, key=repr)


def test_the_same_models_build_on_postgres_and_match_duckdb(pg, tmp_path):
    data = tmp_path / "data"
    build_collection(data)
    with dg.instance_for_test() as instance:
        loaded = dg.materialize(
            [postgres_raw], instance=instance, run_config=QUIET,
            resources={"storage": SocialStorage(data_dir=str(data)), "postgres": PostgresWarehouse(
                host=pg.host, port=pg.port, user=pg.user, dbname=pg.dbname)})
    assert loaded.success

    pg_env = {"SOCIAL_PG_HOST": pg.host, "SOCIAL_PG_PORT": str(pg.port),
              "SOCIAL_PG_USER": pg.user, "SOCIAL_PG_DB": pg.dbname,
              "SOCIAL_PG_SCHEMA": "analytics"}
    run_dbt(["build"], data, target="postgres", extra_env=pg_env)
    run_dbt(["build"], data, target="duckdb")

    with connect(pg.dbname) as conn, conn.cursor() as cur:
        for mart, columns in MARTS.items():
            cur.execute(f"select {columns} from analytics.{mart}")
            on_postgres = _rows(cur.fetchall())
            on_duckdb = _rows(query(data, f"select {columns.replace('::numeric', '::double')} "
                                          f"from {mart}"))
            assert on_postgres, mart
            assert len(on_postgres) == len(on_duckdb), mart
            for a, b in zip(on_postgres, on_duckdb):
                for x, y in zip(a, b):
                    if isinstance(x, float) and isinstance(y, float):
                        assert math.isclose(x, y, abs_tol=1e-6), (mart, a, b)
                    else:
                        assert x == y, (mart, a, b)
