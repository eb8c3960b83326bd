"""The function layer: the current graph read from the marts, and the files written from it."""

import duckdb
import networkx as nx
import pytest

from resources.settings import Settings
from social_assets.export.connection import WarehouseNotFound, connect_warehouse
from social_assets.export.files import write_gexf, write_graphml
from social_assets.export.graph import load_graph
from social_assets.export.picture import draw_png
from tests.export.graphs import edges_of, nodes_of, png_size
from tests.export.warehouse import EXPECTED_EDGES, EXPECTED_NODES, build_warehouse


@pytest.fixture
def warehouse(tmp_path):
    return build_warehouse(tmp_path / "warehouse.duckdb")


@pytest.fixture
def graph(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return load_graph(conn)


def test_the_graph_holds_every_account_the_current_follows_and_the_attributed_replies(graph):
    assert isinstance(graph, nx.MultiDiGraph)
    assert nodes_of(graph) == EXPECTED_NODES
    assert edges_of(graph) == EXPECTED_EDGES


def test_unknown_values_are_left_out_rather_than_invented(graph):
    # dave has no profile fields and no metrics; erin has metrics but no dim_accounts row
    assert set(graph.nodes["twitter:dave"]) == {"platform", "username", "label", "community"}
    assert "display_name" not in graph.nodes["twitter:erin"]
    assert "is_verified" not in graph.nodes["twitter:carol"]
    assert all(value is not None for _, data in graph.nodes(data=True) for value in data.values())


def test_communities_follow_the_follow_clusters_and_do_not_change_between_runs(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        first, second = load_graph(conn), load_graph(conn)
    assert nx.get_node_attributes(first, "community") == nx.get_node_attributes(second,
                                                                                "community")
    clusters = {}
    for node, community in first.nodes(data="community"):
        clusters.setdefault(community, set()).add(node)
    assert sorted(map(sorted, clusters.values())) == sorted(map(sorted, [
        {"twitter:alice", "twitter:bob", "twitter:carol", "twitter:erin"},
        {"twitter:frank", "twitter:gina"}, {"instagram:jane.doe", "instagram:natgeo"},
        {"twitter:dave"}]))


def test_graphml_read_back_has_the_same_nodes_edges_and_attributes(graph, tmp_path):
    path = write_graphml(graph, tmp_path / "out" / "social_graph.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.is_directed()
    assert nodes_of(back) == EXPECTED_NODES
    assert edges_of(back) == {key: {**attributes} for key, attributes in EXPECTED_EDGES.items()}
    assert [p.name for p in path.parent.iterdir()] == ["social_graph.graphml"]  # no temp left


def test_gexf_read_back_has_the_same_nodes_edges_and_attributes(graph, tmp_path):
    path = write_gexf(graph, tmp_path / "social_graph.gexf")
    back = nx.read_gexf(path)
    assert back.is_directed() and back.is_multigraph()
    assert nodes_of(back) == EXPECTED_NODES
    edges = {}
    for u, v, key, data in back.edges(keys=True, data=True):
        data = dict(data)
        data.pop("id")  # GEXF's own edge id
        assert data.pop("label") == key  # the edge type, as GEXF reserves `type`
        edges[(u, v, key)] = data
    assert edges == EXPECTED_EDGES


def test_writing_twice_gives_identical_files(warehouse, tmp_path):
    outputs = []
    for run in ("a", "b"):
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            graph = load_graph(conn)
        outputs.append([write_graphml(graph, tmp_path / run / "g.graphml").read_bytes(),
                        write_gexf(graph, tmp_path / run / "g.gexf").read_bytes()])
    assert outputs[0][0] == outputs[1][0]
    # GEXF stamps the date of writing; everything else is the same
    assert outputs[0][1].split(b"</meta>")[1] == outputs[1][1].split(b"</meta>")[1]


def test_the_picture_is_a_1600_by_1200_png_small_enough_for_the_ui(graph, tmp_path):
    path = draw_png(graph, tmp_path / "social_graph.png")
    data = path.read_bytes()
    assert png_size(data) == (1600, 1200)
    assert 20_000 < len(data) < 1_500_000


def test_a_picture_over_the_size_limit_is_redrawn_smaller(graph, tmp_path):
    data = draw_png(graph, tmp_path / "small.png", max_bytes=60_000).read_bytes()
    width, height = png_size(data)
    assert width < 1600 and width * 3 == height * 4


def test_an_empty_warehouse_exports_valid_empty_files(tmp_path):
    warehouse = build_warehouse(tmp_path / "empty.duckdb", empty=True)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        graph = load_graph(conn)
    assert graph.number_of_nodes() == graph.number_of_edges() == 0
    assert nx.read_graphml(write_graphml(graph, tmp_path / "g.graphml")).number_of_nodes() == 0
    assert nx.read_gexf(write_gexf(graph, tmp_path / "g.gexf")).number_of_nodes() == 0
    assert png_size(draw_png(graph, tmp_path / "g.png").read_bytes()) == (1600, 1200)


def test_the_duckdb_warehouse_is_data_dir_warehouse_duckdb_unless_social_warehouse_says(
        tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
    build_warehouse(tmp_path / "warehouse.duckdb")
    with connect_warehouse(Settings.resolve(data_dir=tmp_path, dbt_target="duckdb")) as conn:
        assert load_graph(conn).number_of_nodes() == len(EXPECTED_NODES)
    monkeypatch.setenv("SOCIAL_WAREHOUSE", str(tmp_path / "elsewhere.duckdb"))
    with pytest.raises(WarehouseNotFound) as missing:
        with connect_warehouse(Settings.resolve(data_dir=tmp_path, dbt_target="duckdb")):
            pass
    assert missing.value.path == tmp_path / "elsewhere.duckdb"


def test_the_connection_is_read_only(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIAL_WAREHOUSE", str(warehouse))
    with connect_warehouse(Settings.resolve(data_dir=tmp_path, dbt_target="duckdb")) as conn:
        with pytest.raises(duckdb.Error, match="read-only"):
            conn.execute("delete from dim_accounts")


def test_an_unknown_target_is_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match="'snowflake'"):
        with connect_warehouse(Settings.resolve(data_dir=tmp_path, dbt_target="snowflake")):
            pass
