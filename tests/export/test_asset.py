"""The ``social_graph_export`` asset, materialized against a warehouse built by hand."""

import base64
import re

import dagster as dg
import httpx
import networkx as nx
import pytest

from resources.storage import SocialStorage
from social_graph.cli.exports_server import serve_exports
from social_assets.export.asset import social_graph_export
from tests.export.graphs import edges_of, nodes_of, png_size
from tests.export.warehouse import EXPECTED_EDGES, EXPECTED_NODES, build_warehouse

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _materialize(data_dir):
    # An explicit instance per run: reusing materialize()'s implicit ephemeral instance after
    # other suites' runs in the same process hit "undefined DagsterInstance weakref".
    with dg.instance_for_test() as instance:
        result = dg.materialize([social_graph_export], run_config=QUIET, instance=instance,
                                resources={"storage": SocialStorage(data_dir=str(data_dir))})
    assert result.success
    [materialization] = result.asset_materializations_for_node("social_graph_export")
    return materialization.metadata


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIAL_WAREHOUSE", str(build_warehouse(tmp_path / "built.duckdb")))
    monkeypatch.delenv("SOCIAL_DBT_TARGET", raising=False)
    return tmp_path / "data"


def test_the_export_writes_graphml_gexf_and_png_of_the_warehouse_graph(data_dir, monkeypatch):
    monkeypatch.delenv("SOCIAL_EXPORTS_URL", raising=False)
    metadata = _materialize(data_dir)

    exports = data_dir.resolve() / "exports"
    assert sorted(p.name for p in exports.iterdir()) == [
        "social_graph.gexf", "social_graph.graphml", "social_graph.png"]
    graphml = nx.read_graphml(exports / "social_graph.graphml", force_multigraph=True)
    assert nodes_of(graphml) == EXPECTED_NODES
    assert edges_of(graphml) == EXPECTED_EDGES
    gexf = nx.read_gexf(exports / "social_graph.gexf")
    assert nodes_of(gexf) == EXPECTED_NODES
    assert {(u, v, key) for u, v, key in gexf.edges(keys=True)} == set(EXPECTED_EDGES)
    assert png_size((exports / "social_graph.png").read_bytes()) == (1600, 1200)

    assert metadata["dagster/row_count"].value == len(EXPECTED_EDGES) == 9
    assert metadata["nodes"].value == len(EXPECTED_NODES) == 9
    assert (metadata["follow_edges"].value, metadata["reply_edges"].value) == (7, 2)
    assert metadata["communities"].value == 4
    assert metadata["warehouse_target"].value == "duckdb"
    assert metadata["graphml"].value == str(exports / "social_graph.graphml")
    assert metadata["gexf"].value == str(exports / "social_graph.gexf")
    picture = re.fullmatch(r"!\[social graph\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)",
                           metadata["picture"].value)
    assert base64.b64decode(picture.group(1)) == (exports / "social_graph.png").read_bytes()


def test_a_rerun_replaces_the_files_and_leaves_nothing_else(data_dir):
    _materialize(data_dir)
    before = (data_dir / "exports" / "social_graph.graphml").read_bytes()
    _materialize(data_dir)
    assert len(list((data_dir / "exports").iterdir())) == 3
    assert (data_dir / "exports" / "social_graph.graphml").read_bytes() == before


def test_an_empty_warehouse_exports_empty_but_valid_files(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIAL_WAREHOUSE",
                       str(build_warehouse(tmp_path / "empty.duckdb", empty=True)))
    metadata = _materialize(tmp_path / "data")
    exports = tmp_path / "data" / "exports"
    assert nx.read_graphml(exports / "social_graph.graphml").number_of_nodes() == 0
    assert nx.read_gexf(exports / "social_graph.gexf").number_of_nodes() == 0
    assert png_size((exports / "social_graph.png").read_bytes()) == (1600, 1200)
    assert metadata["dagster/row_count"].value == metadata["nodes"].value == 0


def test_without_a_warehouse_the_run_fails_naming_the_missing_file(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
    with dg.instance_for_test() as instance:
        result = dg.materialize([social_graph_export], run_config=QUIET, raise_on_error=False,
                                instance=instance,
                                resources={"storage": SocialStorage(data_dir=str(tmp_path))})
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    cause = failure.step_failure_data.error.cause
    assert cause.cls_name == "WarehouseNotFound"
    assert str(tmp_path / "warehouse.duckdb") in cause.message
    assert not (tmp_path / "exports").exists()


def test_the_asset_sits_after_the_marts_in_the_warehouse_pool():
    spec = social_graph_export.specs_by_key[dg.AssetKey("social_graph_export")]
    assert {d.asset_key for d in spec.deps} == {
        dg.AssetKey(k) for k in ("account_metrics", "fct_follows", "dim_accounts",
                                 "fct_replies")}
    assert spec.group_name == "exports"
    assert social_graph_export.op.pool == "warehouse"


def test_with_the_exports_served_the_picture_is_a_short_link_the_ui_shows_inline(
        data_dir, monkeypatch):
    # The UI renders markdown metadata inline only under 1,000 characters.
    with serve_exports(data_dir.resolve() / "exports") as base:
        monkeypatch.setenv("SOCIAL_EXPORTS_URL", base)
        markdown = _materialize(data_dir)["picture"].value
        assert len(markdown) < 1000
        link = re.fullmatch(r"!\[social graph\]\((http://[^)]+/social_graph\.png\?v=\w+)\)",
                            markdown)
        response = httpx.get(link.group(1))
        assert response.status_code == 200
        assert response.content == (data_dir.resolve() / "exports" / "social_graph.png").read_bytes()
        assert httpx.get(base + "/").status_code == 404  # no listing of the folder
