"""PageRank as networkx.pagerank defines it, on both warehouses: on DuckDB the Python model
``account_pagerank`` (a sparse power iteration, warm-started from its previous table), on
PostgreSQL the SQL macro through the build Dagster launches there; ``account_metrics`` reads it.

The collection has two platforms (an account named on both), dangling accounts, an edge seen
from both of its ends, an account listed twice in one list (once in capitals) and a target
listed among its own followers."""

import shutil
from datetime import datetime, timedelta, timezone

import dagster as dg
import networkx as nx
import pytest
from dagster_dbt import DbtCliResource

from resources.postgres import PostgresWarehouse
from resources.storage import SocialStorage
from social_assets.dbt_project import DBT_EXECUTABLE, dbt_project
from social_assets.postgres_raw import postgres_raw
from social_assets.warehouse import build_dbt_assets
from tests.postgres import connect, scratch_database, warehouse_env

from .conftest import query, run_dbt, write_edge_snapshot

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}

# (asset, platform, target, the accounts its list shows), all taken at T0.
LISTS = [
    ("followers", "twitter", "alice", ["bob", "carol", "Bob", "alice", "dave"]),
    ("following", "twitter", "bob", ["alice", "erin"]),  # bob -> alice, seen from both ends
    ("following", "twitter", "alice", ["carol"]),
    ("followers", "twitter", "carol", ["alice", "frank"]),  # alice -> carol, again
    ("following", "twitter", "carol", ["gina"]),
    ("followers", "instagram", "alice", ["zed", "yan"]),
    ("following", "instagram", "alice", ["zed"]),
    ("following", "instagram", "yan", ["xu"]),
]
# A day later bob's following list also shows gina: one new edge, twitter only.
CHANGED = ("following", "twitter", "bob", ["alice", "erin", "gina"])


def write_lists(root, lists, fetched_at=T0):
    for asset, platform, target, usernames in lists:
        write_edge_snapshot(root, asset, platform, target, usernames, fetched_at)


def graphs_of(lists) -> dict[str, nx.DiGraph]:
    """The follow graph of each platform as the lists show it: usernames lowercased, an account
    among its own followers no edge, an edge seen twice one edge."""
    graphs = {}
    for asset, platform, target, usernames in lists:
        graph = graphs.setdefault(platform, nx.DiGraph())
        for name in (u.lower() for u in usernames):
            if name != target:
                graph.add_edge(*((name, target) if asset == "followers" else (target, name)))
    return graphs


def expected_pageranks(lists) -> dict[tuple[str, str], float]:
    return {(platform, username): rank
            for platform, graph in graphs_of(lists).items()
            for username, rank in nx.pagerank(graph, alpha=0.85, tol=1e-13,
                                              max_iter=1000).items()}


def assert_pageranks_equal_networkx(got: dict[tuple[str, str], float], lists) -> None:
    expected = expected_pageranks(lists)
    assert got.keys() == expected.keys()
    assert max(abs(got[key] - expected[key]) for key in expected) < 1e-6
    for platform in {p for p, _ in expected}:
        assert sum(r for (p, _), r in got.items() if p == platform) == pytest.approx(1, abs=1e-9)


def pagerank_rows(data_dir) -> dict[tuple[str, str], tuple[float, int]]:
    rows = query(data_dir, "select platform, username, pagerank, pagerank_iterations "
                           "from account_pagerank")
    return {(p, u): (rank, steps) for p, u, rank, steps in rows}


def iterations_by_platform(rows) -> dict[str, int]:
    """The steps each platform's iteration took (one value on all of its rows)."""
    steps = {}
    for (platform, _), (_, iterations) in rows.items():
        steps.setdefault(platform, set()).add(iterations)
    assert all(len(values) == 1 for values in steps.values()), steps
    return {platform: values.pop() for platform, values in steps.items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One cold DuckDB build of LISTS."""
    root = tmp_path_factory.mktemp("pagerank") / "data"
    write_lists(root, LISTS)
    run_dbt(["build"], root)
    return root


def test_the_graph_has_what_the_pagerank_must_handle():
    graphs = graphs_of(LISTS)
    assert set(graphs) == {"twitter", "instagram"}
    assert all(any(g.out_degree(u) == 0 for u in g) for g in graphs.values())  # dangling
    assert "alice" in graphs["twitter"] and "alice" in graphs["instagram"]
    assert all(nx.number_of_selfloops(g) == 0 for g in graphs.values())  # alice: no self edge


def test_duckdb_pagerank_equals_networkx_per_platform(built):
    model = pagerank_rows(built)
    assert_pageranks_equal_networkx({key: rank for key, (rank, _) in model.items()}, LISTS)
    metrics = dict(((p, u), r) for p, u, r in query(
        built, "select platform, username, pagerank from account_metrics"))
    assert metrics == {key: rank for key, (rank, _) in model.items()}
    types = dict(query(built, "select column_name, data_type from information_schema.columns "
                              "where table_name = 'account_pagerank'"))
    assert types == {"platform": "VARCHAR", "username": "VARCHAR", "in_degree": "BIGINT",
                     "out_degree": "BIGINT", "pagerank": "DOUBLE",
                     "pagerank_iterations": "INTEGER"}


def test_duckdb_degrees_are_the_distinct_neighbours_networkx_counts(built):
    # An edge seen from both ends (bob -> alice) counts once; the self-listing not at all.
    expected = {(platform, username): (graph.in_degree(username), graph.out_degree(username))
                for platform, graph in graphs_of(LISTS).items() for username in graph}
    for table in ("account_pagerank", "account_metrics"):
        got = {(p, u): (i, o) for p, u, i, o in query(
            built, f"select platform, username, in_degree, out_degree from {table}")}
        assert got == expected, table
    assert expected[("twitter", "alice")] == (3, 1)


def test_a_warm_build_after_one_new_edge_reaches_the_cold_ranks_in_fewer_iterations(
        built, tmp_path):
    warm = tmp_path / "warm"
    shutil.copytree(built, warm, ignore=shutil.ignore_patterns("dbt_target", "dbt_logs"))
    cold = tmp_path / "cold"
    write_lists(cold, LISTS)
    for root in (warm, cold):
        write_lists(root, [CHANGED], fetched_at=T0 + timedelta(days=1))
        run_dbt(["build"], root)

    before, after, scratch = pagerank_rows(built), pagerank_rows(warm), pagerank_rows(cold)
    assert after.keys() == scratch.keys() == before.keys()  # gina was already an account
    assert max(abs(after[key][0] - scratch[key][0]) for key in scratch) < 1e-9
    # CHANGED only adds to bob's earlier list, so the graph now is that of both.
    assert_pageranks_equal_networkx({key: rank for key, (rank, _) in after.items()},
                                    LISTS + [CHANGED])
    assert any(abs(after[key][0] - before[key][0]) > 1e-3 for key in after)  # it did move
    warm_steps, cold_steps = iterations_by_platform(after), iterations_by_platform(scratch)
    assert all(warm_steps[p] < cold_steps[p] for p in cold_steps), (warm_steps, cold_steps)
    # Instagram did not change: its previous ranks already were the fixed point.
    assert warm_steps["instagram"] == 1


@pytest.fixture(scope="module")
def pg():
    with scratch_database() as database:
        yield database


def test_postgres_pagerank_from_the_dagster_build_equals_networkx(pg, tmp_path, monkeypatch):
    # The code location's manifest is parsed on DuckDB (where account_pagerank exists); the
    # PostgreSQL build it launches must still pass, computing PageRank with the SQL macro.
    for name, value in warehouse_env(pg).items():
        monkeypatch.setenv(name, value)
    data = tmp_path / "data"
    write_lists(data, LISTS)
    dbt_assets = build_dbt_assets("postgres")
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [postgres_raw, dbt_assets], instance=instance, run_config=QUIET,
            resources={
                "storage": SocialStorage(data_dir=str(data), dbt_target="postgres"),
                "postgres": PostgresWarehouse(host=pg.host, port=pg.port, user=pg.user,
                                              dbname=pg.dbname),
                "dbt": DbtCliResource(project_dir=dbt_project, target="postgres",
                                      dbt_executable=DBT_EXECUTABLE),
            })
    assert result.success
    materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert "account_metrics" in materialized and "account_pagerank" not in materialized

    with connect(pg.dbname) as conn, conn.cursor() as cur:
        cur.execute("select platform, username, pagerank from analytics.account_metrics")
        got = {(p, u): float(r) for p, u, r in cur.fetchall()}
        cur.execute("select to_regclass('analytics.account_pagerank')")
        assert cur.fetchone() == (None,)  # the Python model is disabled on PostgreSQL
    assert_pageranks_equal_networkx(got, LISTS)
