"""One `dbt build` of a synthetic two-round collection, then every mart against the lists that
were written: the follow graph and its metrics against networkx, the overlap and churn against
set arithmetic, accounts and replies against what the API sent."""

import json
from collections import Counter

import networkx as nx
import pytest

from .conftest import DBT_DIR, query, run_dbt
from .synthetic import MAX_RESULTS, build_collection


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("collection") / "data"
    collection = build_collection(root)
    result = run_dbt(["build"], root)
    return collection, result


def graph_of(edges, platform) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_edges_from((u, v) for p, u, v in edges if p == platform)
    return graph


def test_dbt_build_passes_every_model_data_test_and_unit_test(built):
    collection, _ = built
    results = json.loads((collection.root / "dbt_target" / "run_results.json").read_text())
    statuses = Counter(r["status"] for r in results["results"])
    kinds = Counter(r["unique_id"].split(".")[0] for r in results["results"])
    assert set(statuses) <= {"success", "pass"}, statuses
    models = [p for p in (DBT_DIR / "models").rglob("*") if p.suffix in (".sql", ".py")]
    assert kinds["model"] == len(models) and kinds["unit_test"] >= 3 and kinds["test"] > 50


def test_current_edges_are_those_in_the_latest_list_that_could_show_them(built):
    collection, _ = built
    rows = query(collection.root, "select platform, follower_username, followed_username, "
                 "is_current from fct_follows")
    assert {(p, u, v) for p, u, v, _ in rows} == set(collection.observed_edges())
    assert {(p, u, v) for p, u, v, current in rows if current} == collection.current_edges()
    # The June lists made some May edges stale, and only those.
    assert 0 < sum(not current for *_, current in rows) < 100


def test_degrees_and_mutual_pairs_equal_networkx_on_the_current_edges(built):
    collection, _ = built
    current = collection.current_edges()
    metrics = query(collection.root, "select platform, username, in_degree, out_degree, "
                    "mutual_count from account_metrics")
    mutual = set(query(collection.root, "select platform, username_a, username_b "
                       "from mutual_follows"))
    for platform in ("twitter", "instagram"):
        graph = graph_of(current, platform)
        got = {u: (i, o, m) for p, u, i, o, m in metrics if p == platform}
        assert set(got) == set(graph.nodes)
        pairs = {(platform, *sorted((u, v))) for u, v in graph.edges if graph.has_edge(v, u)}
        assert {m for m in mutual if m[0] == platform} == pairs
        mutual_counts = Counter(u for _, a, b in pairs for u in (a, b))
        expected = {u: (graph.in_degree(u), graph.out_degree(u), mutual_counts[u])
                    for u in graph.nodes}
        assert got == expected
    assert len(mutual) > 10


def test_pagerank_equals_networkx_with_dangling_nodes_per_platform(built):
    collection, _ = built
    current = collection.current_edges()
    rows = query(collection.root, "select platform, username, pagerank from account_metrics")
    for platform in ("twitter", "instagram"):
        graph = graph_of(current, platform)
        assert any(graph.out_degree(u) == 0 for u in graph.nodes)  # dangling nodes exist
        expected = nx.pagerank(graph, alpha=0.85, tol=1e-12, max_iter=1000)
        got = {u: r for p, u, r in rows if p == platform}
        assert got.keys() == expected.keys()
        assert max(abs(got[u] - expected[u]) for u in expected) < 1e-6
        assert sum(got.values()) == pytest.approx(1.0, abs=1e-9)


def test_audience_overlap_is_the_jaccard_of_the_latest_followers_lists(built):
    collection, _ = built
    rows = query(collection.root, "select platform, target_a, target_b, followers_a, "
                 "followers_b, shared_followers, jaccard from audience_overlap")
    targets = {(s.platform, s.target) for s in collection.snapshots if s.asset == "followers"}
    expected = {}
    for platform, a in targets:
        for platform_b, b in targets:
            if platform_b == platform and a < b:
                fa = collection.latest("followers", platform, a).members
                fb = collection.latest("followers", platform, b).members
                expected[(platform, a, b)] = (len(fa), len(fb), len(fa & fb),
                                              len(fa & fb) / len(fa | fb))
    got = {(p, a, b): tuple(rest) for p, a, b, *rest in rows}
    assert got.keys() == expected.keys()
    for key, (fa, fb, shared, jaccard) in expected.items():
        assert got[key][:3] == (fa, fb, shared), key
        assert abs(got[key][3] - jaccard) < 1e-9, key
    assert any(shared > 0 for _, _, shared, _ in expected.values())


def test_follower_changes_are_the_set_differences_between_consecutive_lists(built):
    collection, _ = built
    rows = query(collection.root, "select platform, target_username, request_id, gained, lost, "
                 "net, previous_snapshot_at, is_truncated from follower_changes")
    got = {(p, t, r): tuple(rest) for p, t, r, *rest in rows}
    by_target = {}
    for s in sorted((s for s in collection.snapshots if s.asset == "followers"),
                    key=lambda s: s.fetched_at):
        by_target.setdefault((s.platform, s.target), []).append(s)
    assert len(got) == sum(len(v) for v in by_target.values())
    for (platform, target), snapshots in by_target.items():
        previous = None
        for s in snapshots:
            before = previous.members if previous else frozenset()
            gained, lost = len(s.members - before), len(before - s.members)
            # A cut list (max_results) invents no change: gains only against a complete
            # previous list, losses only in a complete list; net is unknown when either is cut.
            cut = len(s.members) >= MAX_RESULTS
            previous_cut = previous is not None and len(previous.members) >= MAX_RESULTS
            gained, lost = (0 if previous_cut else gained), (0 if cut else lost)
            net = None if cut or previous_cut else gained - lost
            assert got[(platform, target, s.request_id)] == (
                gained, lost, net, previous.fetched_at if previous else None,
                cut), (target, s.request_id)
            previous = s
    # user_000 was re-read in June: it both gained and lost followers.
    june = [v for (p, t, r), v in got.items() if t == "user_000" and v[3] is not None]
    assert len(june) == 1 and june[0][0] == 15 and june[0][1] > 0


def test_a_list_of_max_results_rows_is_flagged_truncated(built):
    collection, _ = built
    rows = query(collection.root, "select platform, target_username, list_type, row_count "
                 "from int_snapshots where is_truncated")
    assert rows == [(*collection.truncated_target, "followers", MAX_RESULTS)]


def test_every_endpoint_replier_and_target_is_one_account_with_its_latest_profile(built):
    collection, _ = built
    rows = query(collection.root, "select platform, username, followers_count, is_target "
                 "from dim_accounts")
    accounts = {(p, u): (count, is_target) for p, u, count, is_target in rows}
    assert len(accounts) == len(rows)
    endpoints = {(p, x) for p, u, v in collection.observed_edges() for x in (u, v)}
    assert endpoints <= accounts.keys()
    assert all(u == u.lower() for _, u in accounts)
    for key, (_, followers_count) in collection.profiles.items():
        assert accounts[key][0] == followers_count, key
    # "celebrity" is a target no list names: a row, no profile.
    assert accounts[("twitter", "celebrity")] == (None, True)
    assert accounts[("twitter", "newcomer_1")][1] is False
    assert ("twitter", "twin_001") in accounts and ("twitter", "Twin_001") not in accounts


def test_replies_come_from_the_latest_snapshot_of_each_post(built):
    collection, _ = built
    rows = query(collection.root, "select platform, tweet_id, target_username, "
                 "replier_username, reply_text, strftime(replied_at at time zone 'UTC', "
                 "'%Y-%m-%dT%H:%M:%SZ'), reply_id from fct_replies")
    got = {}
    for p, tweet, author, replier, text, replied_at, _ in rows:
        got.setdefault((p, tweet), set()).add((replier, replied_at, text))
    expected = {key: set(replies) for key, replies in collection.latest_replies.items()}
    assert got == expected
    authors = {tweet: author for _, tweet, author, *_ in rows}
    assert authors == {"1790000000000000001": "user_000", "1790000000000000002": None}
    assert len({r[-1] for r in rows}) == len(rows) == 6
