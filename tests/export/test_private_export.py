"""The ``social_graph_private_export`` asset: the warehouse's structure, none of its people.

A hand-built warehouse (``tests/export/warehouse.py``, with bios and profile URLs added), the
asset materialized with real resources, then every byte it wrote searched for every handle,
display name, bio, URL and timestamp of the warehouse, and its metrics compared to the marts'
through the same HMAC.
"""

import hashlib
from pathlib import Path

import dagster as dg
import duckdb
import networkx as nx
import pyarrow.parquet as pq
import pytest
from dagster._serdes import serialize_value

from resources.storage import SocialStorage
from social_assets.export.files import write_graphml
from social_assets.export.graph import load_graph
from social_assets.export.private import privatize
from social_assets.export.private_asset import social_graph_private_export
from social_assets.export.pseudonym import Pseudonymizer
from social_graph.definitions import defs
from tests.export.test_postgres import pg_warehouse  # noqa: F401 - the PostgreSQL fixture
from tests.export.warehouse import (ACCOUNTS, FOLLOWS, METRICS, REPLIES, T0, T1, T2,
                                    build_warehouse)

SALT = "test-salt:Zq7-never-in-any-output"
OTHER_SALT = "another-salt-of-enough-bytes"
FILES = ["edges.parquet", "nodes.parquet", "social_graph.gexf", "social_graph.graphml"]
DEBUG = {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}
BIOS = {username: f"{username.title()} maps quiet harbours since 1999"
        for _, username, *_ in ACCOUNTS}
URLS = {username: f"https://{platform}.example/{username}" for platform, username, *_ in ACCOUNTS}
HANDLES = ({row[1] for row in ACCOUNTS + METRICS} | {row[i] for row in FOLLOWS for i in (1, 2)}
           | {row[i] for row in REPLIES for i in (2, 3) if row[i]})
NODES = {f"{row[0]}:{row[1]}" for row in ACCOUNTS + METRICS} | {"twitter:erin"}


def _secrets() -> list[str]:
    """What must not appear: handles, node ids, display names (whole, and each word of 3+
    letters, which survive XML escaping), bios, URLs, the follow and reply timestamps."""
    names = [row[2] for row in ACCOUNTS if row[2]]
    words = {w for name in names for w in name.replace("\"", " ").split() if w.isalpha()
             and len(w) >= 3}
    times = [t.isoformat() for t in (T0, T1, T2)] + ["first_seen_at", "last_replied_at"]
    return sorted(HANDLES | NODES | set(names) | words | set(BIOS.values())
                  | set(URLS.values()) | set(times))


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    path = build_warehouse(tmp_path / "built.duckdb")
    with duckdb.connect(str(path)) as conn:
        conn.execute("alter table dim_accounts add column profile_url varchar")
        for username in BIOS:
            conn.execute("update dim_accounts set bio = ?, profile_url = ? where username = ?",
                         [BIOS[username], URLS[username], username])
    monkeypatch.setenv("SOCIAL_WAREHOUSE", str(path))
    monkeypatch.delenv("SOCIAL_DBT_TARGET", raising=False)
    return path


def _materialize(data_dir: Path, monkeypatch, salt: str | None = SALT):
    if salt is None:
        monkeypatch.delenv("SOCIAL_EXPORT_SALT", raising=False)
    else:
        monkeypatch.setenv("SOCIAL_EXPORT_SALT", salt)
    with dg.instance_for_test() as instance:
        result = dg.materialize([social_graph_private_export], run_config=DEBUG,
                                instance=instance, raise_on_error=False,
                                resources={"storage": SocialStorage(data_dir=str(data_dir))})
        records = [serialize_value(entry) for entry in instance.all_logs(result.run_id)]
        records.append(serialize_value(instance.get_run_by_id(result.run_id)))
    return result, records


def _exported(data_dir: Path) -> Path:
    folder = data_dir.resolve() / "exports" / "private"
    assert sorted(p.name for p in folder.iterdir()) == FILES  # no picture, no temporary file
    return folder


def _parquet_texts(path: Path) -> list[str]:
    """Every string cell, column name and key/value of the file's metadata, decompressed."""
    table = pq.read_table(path)
    texts = list(table.column_names)
    for column in table.columns:
        texts += [v for v in column.to_pylist() if isinstance(v, str)]
    for key, value in (pq.read_metadata(path).metadata or {}).items():
        texts += [key.decode("utf-8", "replace"), value.decode("utf-8", "replace")]
    return texts


def _pseudonym(node: str, salt: str = SALT) -> str:
    return Pseudonymizer(salt.encode()).pseudonym("account", node)


def test_no_handle_name_bio_url_or_timestamp_is_in_any_byte_of_the_export(
        warehouse, tmp_path, monkeypatch):
    result, _ = _materialize(tmp_path / "data", monkeypatch)
    assert result.success
    folder = _exported(tmp_path / "data")
    texts = {path.name: path.read_bytes().decode("utf-8", "replace").lower()
             for path in folder.iterdir()}
    for name in ("nodes.parquet", "edges.parquet"):
        texts[f"{name} cells"] = "\n".join(_parquet_texts(folder / name)).lower()
    graphml = nx.read_graphml(folder / "social_graph.graphml", force_multigraph=True)
    texts["graphml values"] = "\n".join(str(v) for _, d in graphml.nodes(data=True)
                                        for v in d.values()).lower()
    leaks = [(secret, where) for secret in _secrets() for where, text in texts.items()
             if secret.lower() in text]
    assert leaks == []
    # The same search finds the people in the plain export of the same warehouse.
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        plain = write_graphml(load_graph(conn), tmp_path / "plain.graphml").read_bytes()
    found = {s.lower() for s in _secrets() if s.lower() in plain.decode().lower()}
    assert {"alice", "twitter:erin", "national geographic", "quoted",
            T0.isoformat().lower()} <= found


def test_degrees_pagerank_and_communities_equal_the_marts_through_the_same_hmac(
        warehouse, tmp_path, monkeypatch):
    assert _materialize(tmp_path / "data", monkeypatch)[0].success
    folder = _exported(tmp_path / "data")
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        plain = load_graph(conn)
    expected = {_pseudonym(f"{p}:{u}"): {"in_degree": i, "out_degree": o, "mutual_count": m,
                                         "pagerank": r} for p, u, i, o, m, r in METRICS}
    nodes = pq.read_table(folder / "nodes.parquet").to_pylist()
    for graph in (nx.read_graphml(folder / "social_graph.graphml", force_multigraph=True),
                  nx.read_gexf(folder / "social_graph.gexf")):
        assert list(graph.nodes) == sorted(graph.nodes) == [row["node"] for row in nodes]
        assert set(graph.nodes) == {_pseudonym(n) for n in plain.nodes}
        for node, metrics in expected.items():
            assert {k: graph.nodes[node][k] for k in metrics} == metrics
        # the structure itself: the same edges, so the same degrees and PageRank computed again
        # (GraphML keeps the edge type in `type`; GEXF, which reserves it, as the edge key)
        assert {(u, v, d.get("type", k)) for u, v, k, d in graph.edges(keys=True, data=True)} \
            == {(_pseudonym(u), _pseudonym(v), k) for u, v, k in plain.edges(keys=True)}
        assert dict(graph.in_degree()) == {_pseudonym(n): d for n, d in plain.in_degree()}
        assert dict(graph.out_degree()) == {_pseudonym(n): d for n, d in plain.out_degree()}
        ranks = nx.pagerank(nx.DiGraph(graph))
        assert ranks == pytest.approx({_pseudonym(n): r for n, r in
                                       nx.pagerank(nx.DiGraph(plain)).items()}, rel=1e-9)
    assert {row["node"]: {k: row[k] for k in ("in_degree", "out_degree", "mutual_count",
                                              "pagerank")} for row in nodes if row["pagerank"]
            is not None} == expected
    by_node = {row["node"]: row for row in nodes}
    communities = {}
    for node, community in plain.nodes(data="community"):
        communities.setdefault(community, set()).add(_pseudonym(node))
    private = {}
    for node, row in by_node.items():
        private.setdefault(row["community"], set()).add(node)
    assert sorted(map(sorted, private.values())) == sorted(map(sorted, communities.values()))
    natgeo, alice = by_node[_pseudonym("instagram:natgeo")], by_node[_pseudonym("twitter:alice")]
    assert (natgeo["followers_bucket"], alice["followers_bucket"]) == (1_000_000, 1000)
    assert by_node[_pseudonym("twitter:dave")]["followers_bucket"] is None  # unknown stays unknown
    edges = pq.read_table(folder / "edges.parquet").to_pylist()
    assert {(e["source"], e["target"], e["type"]): e["replies"] for e in edges} == {
        (_pseudonym(u), _pseudonym(v), k): d.get("replies")
        for u, v, k, d in plain.edges(keys=True, data=True)}


def test_the_same_salt_gives_the_same_pseudonyms_and_another_salt_others(
        warehouse, tmp_path, monkeypatch):
    for run, salt in (("a", SALT), ("b", SALT), ("c", OTHER_SALT)):
        assert _materialize(tmp_path / run, monkeypatch, salt)[0].success
    nodes = {run: pq.read_table(_exported(tmp_path / run) / "nodes.parquet")["node"].to_pylist()
             for run in "abc"}
    assert nodes["a"] == nodes["b"] and len(nodes["a"]) == len(NODES)
    assert not set(nodes["a"]) & set(nodes["c"])
    assert sorted(nodes["c"]) == sorted(_pseudonym(n, OTHER_SALT) for n in NODES)
    graphml = [(_exported(tmp_path / run) / "social_graph.graphml").read_bytes() for run in "ab"]
    assert graphml[0] == graphml[1]


@pytest.mark.parametrize("salt", [None, "", "fifteen-bytes!!"])
def test_a_missing_or_short_salt_fails_naming_the_variable_and_writes_nothing(
        warehouse, tmp_path, monkeypatch, salt):
    result, records = _materialize(tmp_path / "data", monkeypatch, salt)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    cause = failure.step_failure_data.error.cause
    assert cause.cls_name == "ExportSaltError"
    assert "SOCIAL_EXPORT_SALT" in cause.message
    assert ("not set" if not salt else "shorter than 16 bytes") in cause.message
    if salt:
        assert all(salt not in record for record in records)
    assert not (tmp_path / "data" / "exports").exists()


def test_the_salt_is_in_no_file_metadata_event_log_or_run_record(
        warehouse, tmp_path, monkeypatch, capfd, caplog):
    caplog.set_level("DEBUG")
    result, records = _materialize(tmp_path / "data", monkeypatch)
    assert result.success
    captured = capfd.readouterr()
    outputs = [path.read_bytes() for path in _exported(tmp_path / "data").iterdir()]
    [materialization] = result.asset_materializations_for_node("social_graph_private_export")
    metadata = materialization.metadata
    assert metadata["pseudonyms"].value == (
        "HMAC-SHA256 under the salt in $SOCIAL_EXPORT_SALT (never stored)")
    assert [metadata[k].value for k in ("nodes", "edges", "follow_edges", "reply_edges",
                                        "communities", "dagster/row_count")] == [9, 9, 7, 2, 4, 9]
    folder = _exported(tmp_path / "data")
    assert {name: metadata[name].value for name in FILES} == {
        name: str(folder / name) for name in FILES}
    assert any("pseudonymous accounts" in record for record in records)  # the logs are there
    forms = [SALT, SALT.encode().hex(), hashlib.sha256(SALT.encode()).hexdigest()[:16]]
    texts = [*records, captured.out, captured.err, caplog.text,
             serialize_value(materialization.metadata)]
    for form in forms:
        assert all(form not in text for text in texts)
        assert all(form.encode() not in data for data in outputs)


def test_attributes_the_policy_does_not_know_are_dropped_and_bios_and_urls_pseudonymised():
    graph = nx.MultiDiGraph()
    graph.add_node("twitter:alice", platform="twitter", username="alice", label="alice",
                   bio="Maps", profile_url="https://x.example/alice", email="a@b.example",
                   community=0)
    graph.add_node("twitter:bob", platform="twitter", username="bob", label="bob", community=0)
    graph.add_edge("twitter:bob", "twitter:alice", "replied_to", type="replied_to", replies=2,
                   reply_text="hi alice", first_replied_at=T1.isoformat())
    pseudonyms = Pseudonymizer(SALT.encode())
    private = privatize(graph, pseudonyms)
    alice = private.graph.nodes[_pseudonym("twitter:alice")]
    assert alice == {"label": _pseudonym("twitter:alice"), "platform": "twitter",
                     "bio": pseudonyms.pseudonym("bio", "Maps"),
                     "profile_url": pseudonyms.pseudonym("profile_url",
                                                         "https://x.example/alice"),
                     "community": 0}
    [(_, _, edge)] = private.graph.edges(data=True)
    assert edge == {"type": "replied_to", "replies": 2}
    assert private.unknown_attributes == ("edge.reply_text", "node.email")


def test_the_private_export_is_opt_in_and_sits_after_the_marts_in_the_warehouse_pool():
    spec = social_graph_private_export.specs_by_key[dg.AssetKey("social_graph_private_export")]
    assert {d.asset_key for d in spec.deps} == {
        dg.AssetKey(k) for k in ("account_metrics", "fct_follows", "dim_accounts", "fct_replies")}
    assert (spec.group_name, social_graph_private_export.op.pool) == ("exports", "warehouse")

    def keys(job):
        layer = defs.resolve_job_def(job).asset_layer
        return {k.to_user_string() for k in layer.executable_asset_keys}

    assert "social_graph_private_export" not in keys("warehouse_job")
    assert "social_graph_private_export" not in keys("warehouse_full_refresh_job")
    assert "social_graph_export" in keys("warehouse_job")
    assert keys("private_export_job") == {"social_graph_private_export"}


def test_the_postgres_marts_give_the_same_private_metrics(pg_warehouse, tmp_path,  # noqa: F811
                                                          monkeypatch):
    monkeypatch.setenv("SOCIAL_DBT_TARGET", "postgres")
    result, _ = _materialize(tmp_path / "data", monkeypatch)
    assert result.success
    nodes = {row["node"]: row for row in
             pq.read_table(_exported(tmp_path / "data") / "nodes.parquet").to_pylist()}
    for platform, username, in_degree, out_degree, mutual_count, pagerank in METRICS:
        row = nodes[_pseudonym(f"{platform}:{username}")]
        assert (row["in_degree"], row["out_degree"], row["mutual_count"], row["pagerank"]) == (
            in_degree, out_degree, mutual_count, pagerank)
