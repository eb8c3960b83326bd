"""The pseudonymous graph as two Parquet tables: ``nodes.parquet`` and ``edges.parquet``.

For pandas, polars, DuckDB or R, where GraphML is awkward: one row per account (its pseudonym
and metrics) and one per edge (``source``, ``target``, ``type``, ``replies``), both in the
graph's (pseudonym) order, with explicit schemas so an empty export has the same columns. An
unknown value is null, as the XML files leave it out. Written atomically like the XML files
(``files.atomic_path``), zstd-compressed; no pandas metadata, no timestamps of writing.
"""

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq

from resources.datadir import DataPath
from social_assets.export.files import atomic_path

NODES_SCHEMA = pa.schema([
    pa.field("node", pa.string(), nullable=False),  # the account's pseudonym (GraphML node id)
    pa.field("platform", pa.string()),
    pa.field("display_name", pa.string()),  # its pseudonym
    pa.field("is_verified", pa.bool_()),
    pa.field("followers_bucket", pa.int64()),
    pa.field("following_bucket", pa.int64()),
    pa.field("in_degree", pa.int64()),
    pa.field("out_degree", pa.int64()),
    pa.field("mutual_count", pa.int64()),
    pa.field("pagerank", pa.float64()),
    pa.field("community", pa.int64()),
])
EDGES_SCHEMA = pa.schema([
    pa.field("source", pa.string(), nullable=False),
    pa.field("target", pa.string(), nullable=False),
    pa.field("type", pa.string(), nullable=False),  # follows or replied_to
    pa.field("replies", pa.int64()),  # replied_to: how many replies; follows: null
])


def node_table(graph: nx.MultiDiGraph) -> pa.Table:
    """One row per node of ``privatize``'s graph, the columns of ``NODES_SCHEMA``."""
    rows = [{"node": node, **{name: data.get(name) for name in NODES_SCHEMA.names[1:]}}
            for node, data in graph.nodes(data=True)]
    return pa.Table.from_pylist(rows, schema=NODES_SCHEMA)


def edge_table(graph: nx.MultiDiGraph) -> pa.Table:
    """One row per edge of ``privatize``'s graph, the columns of ``EDGES_SCHEMA``."""
    rows = [{"source": u, "target": v, "type": key, "replies": data.get("replies")}
            for u, v, key, data in graph.edges(keys=True, data=True)]
    return pa.Table.from_pylist(rows, schema=EDGES_SCHEMA)


def write_table(table: pa.Table, path: DataPath) -> DataPath:
    """``table`` as Parquet at ``path`` (atomic); returns ``path``."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return path
