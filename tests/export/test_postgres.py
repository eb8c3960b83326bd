"""The export from the PostgreSQL warehouse (dbt target ``postgres``, schema ``analytics``).

Needs the PostgreSQL of ``tests/postgres.py``; skips without it, except under ``CI=true``.
"""

import dagster as dg
import networkx as nx
import pytest

from resources.storage import SocialStorage
from social_assets.export.asset import social_graph_export
from resources.settings import Settings
from social_assets.export.connection import connect_warehouse
from social_assets.export.graph import load_graph
from tests.export.graphs import edges_of, nodes_of
from tests.export.warehouse import (ACCOUNTS, EXPECTED_EDGES, EXPECTED_NODES, FOLLOWS, METRICS,
                                    MUTUALS, REPLIES)
from tests.postgres import connect, scratch_database

MARTS_DDL = """
create schema analytics;
create table analytics.dim_accounts (platform text, username text, display_name text,
    bio text, followers_count bigint, following_count bigint, is_verified boolean,
    first_seen_at timestamptz, last_seen_at timestamptz);
create table analytics.fct_follows (platform text, follower_username text,
    followed_username text, first_seen_at timestamptz, last_seen_at timestamptz,
    is_current boolean);
create table analytics.fct_replies (platform text, tweet_id text, target_username text,
    replier_username text, reply_text text, replied_at timestamptz);
create table analytics.mutual_follows (platform text, username_a text, username_b text);
-- numeric, as a PostgreSQL computation may leave it: psycopg2 returns Decimal
create table analytics.account_metrics (platform text, username text, in_degree numeric,
    out_degree numeric, mutual_count numeric, pagerank numeric);
"""


@pytest.fixture
def pg_warehouse(monkeypatch):
    with scratch_database() as database:
        conn = connect(database.dbname)
        with conn.cursor() as cursor:
            cursor.execute(MARTS_DDL)
            for table, rows in (("dim_accounts", ACCOUNTS), ("fct_follows", FOLLOWS),
                                ("fct_replies", REPLIES), ("mutual_follows", MUTUALS),
                                ("account_metrics", METRICS)):
                marks = ", ".join(["%s"] * len(rows[0]))
                cursor.executemany(f"insert into analytics.{table} values ({marks})", rows)
        conn.close()
        for name, value in (("HOST", database.host), ("PORT", str(database.port)),
                            ("USER", database.user), ("DB", database.dbname)):
            monkeypatch.setenv(f"SOCIAL_PG_{name}", value)
        monkeypatch.delenv("SOCIAL_PG_SCHEMA", raising=False)
        monkeypatch.delenv("SOCIAL_PG_PASSWORD", raising=False)
        monkeypatch.setenv("PGTZ", "America/New_York")  # the reading session is not in UTC
        yield database


def test_the_postgres_marts_give_the_same_graph_as_duckdb(pg_warehouse, tmp_path):
    with connect_warehouse(Settings.resolve(data_dir=tmp_path, dbt_target="postgres")) as conn:
        graph = load_graph(conn)
    assert nodes_of(graph) == EXPECTED_NODES
    assert edges_of(graph) == EXPECTED_EDGES


def test_the_postgres_session_is_read_only(pg_warehouse, tmp_path):
    import psycopg2

    with connect_warehouse(Settings.resolve(data_dir=tmp_path, dbt_target="postgres")) as conn:
        with pytest.raises(psycopg2.Error, match="read-only"):
            with conn.cursor() as cursor:
                cursor.execute("delete from dim_accounts")


def test_the_asset_reads_postgres_when_the_dbt_target_says_so(pg_warehouse, tmp_path,
                                                              monkeypatch):
    monkeypatch.setenv("SOCIAL_DBT_TARGET", "postgres")
    with dg.instance_for_test() as instance:
        result = dg.materialize([social_graph_export], instance=instance,
                                resources={"storage": SocialStorage(data_dir=str(tmp_path))})
    [materialization] = result.asset_materializations_for_node("social_graph_export")
    assert materialization.metadata["warehouse_target"].value == "postgres"
    back = nx.read_graphml(tmp_path / "exports" / "social_graph.graphml", force_multigraph=True)
    assert nodes_of(back) == EXPECTED_NODES and edges_of(back) == EXPECTED_EDGES
