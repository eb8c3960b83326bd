"""The ``social_graph_private_export`` asset: the graph's structure without its people.

Opt-in: it needs ``$SOCIAL_EXPORT_SALT``, so it runs in ``private_export_job`` (or from its
page), never in ``warehouse_job``, which must not fail for want of a salt.
"""

from pathlib import Path

import dagster as dg

from resources.datadir import DataPath, is_remote
from resources.storage import SocialStorage
from social_assets.export.connection import connect_warehouse
from social_assets.export.files import write_gexf, write_graphml
from social_assets.export.graph import graph_metadata, load_graph
from social_assets.export.private import (BUCKETED_NODE, DROPPED_EDGE, KEPT_EDGE, KEPT_NODE,
                                          PSEUDONYMISED_NODE, privatize)
from social_assets.export.private_tables import edge_table, node_table, write_table
from social_assets.export.pseudonym import SALT_ENV, Pseudonymizer
from social_assets.warehouse import WAREHOUSE_POOL

PRIVATE_EXPORT = "social_graph_private_export"
FILES = {"graphml": "social_graph.graphml", "gexf": "social_graph.gexf",
         "nodes": "nodes.parquet", "edges": "edges.parquet"}


def private_export_paths(data_dir: DataPath) -> dict[str, DataPath]:
    """``<data_dir>/exports/private/`` ``social_graph.{graphml,gexf}``, ``nodes.parquet`` and
    ``edges.parquet``."""
    folder = (data_dir if is_remote(data_dir) else Path(data_dir)) / "exports" / "private"
    return {kind: folder / name for kind, name in FILES.items()}


@dg.asset(
    name=PRIVATE_EXPORT,
    deps=[dg.AssetKey(["account_metrics"]), dg.AssetKey(["fct_follows"]),
          dg.AssetKey(["dim_accounts"]), dg.AssetKey(["fct_replies"])],
    group_name="exports",
    kinds={"networkx", "graphml", "gexf", "parquet"},
    pool=WAREHOUSE_POOL,
)
def social_graph_private_export(context: dg.AssetExecutionContext,
                                storage: SocialStorage) -> dg.MaterializeResult:
    """The current social graph with every account a keyed pseudonym, for sharing: the same
    accounts, edges, degrees, PageRank and communities as ``social_graph_export``, no handle,
    display name, URL, bio or timestamp.

    Pseudonyms are HMAC-SHA256 under ``$SOCIAL_EXPORT_SALT`` (>= 16 bytes, read when the step
    starts; missing or short, the step fails naming it before reading anything): the same salt
    gives the same pseudonyms in every export. Follower and following counts are bucketed to
    powers of ten (``export.private`` decides each attribute). Writes
    ``<data>/exports/private/social_graph.graphml``, ``.gexf``, ``nodes.parquet`` and
    ``edges.parquet``, each atomically; no picture (the plain one is labelled with handles).
    """
    pseudonyms = Pseudonymizer.from_environment(SALT_ENV)
    settings = storage.settings()
    with connect_warehouse(settings) as conn:
        private = privatize(load_graph(conn), pseudonyms)
    graph = private.graph
    paths = private_export_paths(settings.data_dir)
    write_graphml(graph, paths["graphml"])
    write_gexf(graph, paths["gexf"])
    write_table(node_table(graph), paths["nodes"])
    write_table(edge_table(graph), paths["edges"])
    if private.unknown_attributes:
        context.log.warning("left out attributes no privacy rule covers: "
                            f"{', '.join(private.unknown_attributes)}")
    context.log.info(f"exported {graph.number_of_nodes()} pseudonymous accounts and "
                     f"{graph.number_of_edges()} edges from the {settings.dbt_target} warehouse")
    return dg.MaterializeResult(metadata={
        **graph_metadata(graph, settings.dbt_target),
        "pseudonyms": f"HMAC-SHA256 under the salt in ${SALT_ENV} (never stored)",
        "kept": ", ".join([*KEPT_NODE, "community", *KEPT_EDGE]),
        "pseudonymised": ", ".join(["account (node id, label)", *PSEUDONYMISED_NODE]),
        "bucketed": ", ".join(f"{name} -> {bucket}" for name, bucket in BUCKETED_NODE.items()),
        "dropped": ", ".join(["username", *DROPPED_EDGE, *private.unknown_attributes]),
        **{FILES[kind]: dg.MetadataValue.path(str(path)) for kind, path in paths.items()},
    })
