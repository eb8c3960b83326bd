"""The ``social_graph_export`` asset: the warehouse's current graph as GraphML, GEXF and PNG."""

import base64
import os
from pathlib import Path

import dagster as dg

from resources.storage import SocialStorage
from social_assets.export.connection import connect_warehouse
from social_assets.export.files import write_gexf, write_graphml
from social_assets.export.graph import FOLLOWS, REPLIED_TO, load_graph
from social_assets.export.picture import draw_png
from social_assets.warehouse import WAREHOUSE_POOL  # DuckDB has one writer: dbt's pool

EXPORT_NAME = "social_graph"


def export_paths(data_dir: Path) -> dict[str, Path]:
    """``<data_dir>/exports/social_graph.{graphml,gexf,png}``."""
    folder = Path(data_dir) / "exports"
    return {kind: folder / f"{EXPORT_NAME}.{kind}" for kind in ("graphml", "gexf", "png")}


@dg.asset(
    name="social_graph_export",
    deps=[dg.AssetKey(["account_metrics"]), dg.AssetKey(["fct_follows"]),
          dg.AssetKey(["dim_accounts"]), dg.AssetKey(["fct_replies"])],
    group_name="exports",
    kinds={"networkx", "graphml", "gexf"},
    pool=WAREHOUSE_POOL,
)
def social_graph_export(context: dg.AssetExecutionContext,
                        storage: SocialStorage) -> dg.MaterializeResult:
    """The current social graph for Gephi: accounts (with their profile, degrees, PageRank and
    follow community) and the follows and replies between them.

    Reads the marts of the dbt target ``$SOCIAL_DBT_TARGET`` (default ``duckdb``: the file
    ``$SOCIAL_WAREHOUSE`` or ``<data>/warehouse.duckdb``; ``postgres``: ``SOCIAL_PG_*``, schema
    ``$SOCIAL_PG_SCHEMA``), read-only. Writes ``<data>/exports/social_graph.graphml``, ``.gexf``
    and ``.png``, each atomically, replacing the previous export.
    """
    target = os.environ.get("SOCIAL_DBT_TARGET") or "duckdb"
    with connect_warehouse(target, storage.root()) as conn:
        graph = load_graph(conn)
    paths = export_paths(storage.root())
    write_graphml(graph, paths["graphml"])
    write_gexf(graph, paths["gexf"])
    draw_png(graph, paths["png"])
    png = base64.b64encode(paths["png"].read_bytes()).decode("ascii")
    kinds = [kind for _, _, kind in graph.edges(data="type")]
    communities = {c for _, c in graph.nodes(data="community") if c is not None}
    context.log.info(f"exported {graph.number_of_nodes()} accounts and "
                     f"{graph.number_of_edges()} edges from the {target} warehouse")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": graph.number_of_edges(),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "follow_edges": kinds.count(FOLLOWS),
        "reply_edges": kinds.count(REPLIED_TO),
        "communities": len(communities),
        "warehouse_target": target,
        "graphml": dg.MetadataValue.path(str(paths["graphml"])),
        "gexf": dg.MetadataValue.path(str(paths["gexf"])),
        "png": dg.MetadataValue.path(str(paths["png"])),
        "picture": dg.MetadataValue.md(f"![social graph](data:image/png;base64,{png})"),
    })
