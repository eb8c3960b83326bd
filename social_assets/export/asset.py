"""The ``social_graph_export`` asset: the warehouse's current graph as GraphML, GEXF and PNG."""

import base64
import hashlib
import os
from pathlib import Path

import dagster as dg

from resources.datadir import DataPath, is_remote
from resources.storage import SocialStorage
from social_assets.export.connection import connect_warehouse
from social_assets.export.files import write_gexf, write_graphml
from social_assets.export.graph import graph_metadata, load_graph
from social_assets.export.picture import draw_png
from social_assets.warehouse import WAREHOUSE_POOL  # DuckDB has one writer: dbt's pool

EXPORT_NAME = "social_graph"
EXPORTS_URL_ENV = "SOCIAL_EXPORTS_URL"
"""Where ``<data>/exports/`` is served over HTTP, if anywhere (``social-graph dev`` serves it)."""


def export_paths(data_dir: DataPath) -> dict[str, DataPath]:
    """``<data_dir>/exports/social_graph.{graphml,gexf,png}`` (on object storage with a URL
    data dir)."""
    folder = (data_dir if is_remote(data_dir) else Path(data_dir)) / "exports"
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

    Reads the marts of the dbt target the code location was loaded with (``duckdb``: the
    warehouse file; ``postgres``: ``SOCIAL_PG_*``, schema ``$SOCIAL_PG_SCHEMA``), read-only
    (``resources.settings`` says where each is). Writes ``<data>/exports/social_graph.graphml``, ``.gexf``
    and ``.png``, each atomically, replacing the previous export.
    """
    settings = storage.settings()
    target = settings.dbt_target
    with connect_warehouse(settings) as conn:
        graph = load_graph(conn)
    paths = export_paths(settings.data_dir)
    write_graphml(graph, paths["graphml"])
    write_gexf(graph, paths["gexf"])
    draw_png(graph, paths["png"])
    context.log.info(f"exported {graph.number_of_nodes()} accounts and "
                     f"{graph.number_of_edges()} edges from the {target} warehouse")
    return dg.MaterializeResult(metadata={
        **graph_metadata(graph, target),
        "graphml": dg.MetadataValue.path(str(paths["graphml"])),
        "gexf": dg.MetadataValue.path(str(paths["gexf"])),
        "png": dg.MetadataValue.path(str(paths["png"])),
        "picture": dg.MetadataValue.md(picture_markdown(paths["png"])),
    })


def picture_markdown(png: DataPath) -> str:
    """The picture for the asset page: linked under ``$SOCIAL_EXPORTS_URL`` when the exports
    are served there (short markdown, which the UI shows inline), else embedded as base64
    (which the UI shows behind "Show Markdown"). The link carries a digest of the file, so a
    new export is never shown from the browser's cache."""
    data = png.read_bytes()
    base = os.environ.get(EXPORTS_URL_ENV, "").rstrip("/")
    if base:
        version = hashlib.sha256(data).hexdigest()[:12]
        return f"![social graph]({base}/{png.name}?v={version})"
    return f"![social graph](data:image/png;base64,{base64.b64encode(data).decode('ascii')})"
