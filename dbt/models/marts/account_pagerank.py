"""PageRank and degrees of every account of the current follow graph, one graph per platform
(DuckDB only).

networkx.pagerank(G, alpha) on each platform's DiGraph of current edges (fct_follows where
is_current): nodes are the edges' endpoints, duplicate edges count once, the teleport is uniform
and the rank of dangling nodes (no out-edge) is spread uniformly over the platform's nodes at
every step. Each platform's power iteration stops once its L1 change is at most
pagerank_tolerance (its error to the fixed point is then at most tolerance * alpha / (1 - alpha)),
or after pagerank_max_iterations; pagerank_iterations says how many steps it took. in_degree and
out_degree are the node's distinct followers and followed accounts in that graph, which
account_metrics reads too (counted here, on the integer graph, they cost nothing more).

The integer ids come from Arrow's hash-based dictionary encoding of each platform's endpoint
names (numbering 2.5M accounts of 6M edges this way took a third of the time of a DuckDB sort
and two string joins); numpy/scipy then iterate on one sparse matrix holding every platform's
graph (block diagonal, each platform's nodes one contiguous range, so they stay independent).

Warm start: when this model's previous table is in the warehouse being built, the iteration
starts from its ranks (an account new to the graph at 1/N, then renormalised per platform):
the same fixed point, within the tolerance, in fewer steps. A warehouse without the table (a
first build, a build into a new file) starts every account at 1/N. It is a table model, so
`--full-refresh` alone does not make a cold start.

Only on DuckDB: dbt-postgres cannot run Python models, so on PostgreSQL this model is disabled
(account_pagerank.yml) and account_metrics computes degrees and PageRank in SQL (the macro
`pagerank`).
"""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

FOLLOWS = "__account_pagerank_follows"
NODES = "__account_pagerank_nodes"

SCHEMA = pa.schema([
    ("platform", pa.string()),
    ("username", pa.string()),
    ("in_degree", pa.int64()),
    ("out_degree", pa.int64()),
    ("pagerank", pa.float64()),
    ("pagerank_iterations", pa.int32()),
])


@dataclass
class Graph:
    """Every platform's graph on node ids 0..N-1: platform i owns ids starts[i]..starts[i+1]-1,
    named usernames[i] (in id order); the edges as endpoint ids."""

    platforms: list[str]
    usernames: list[pa.Array]
    starts: np.ndarray
    sources: np.ndarray
    targets: np.ndarray

    @property
    def node_count(self) -> int:
        return int(self.starts[-1])


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt vars cannot be read from a Python model: account_pagerank.yml passes them as meta.
    alpha = float(dbt.config.meta_get("pagerank_alpha"))
    max_iterations = int(dbt.config.meta_get("pagerank_max_iterations"))
    tolerance = float(dbt.config.meta_get("pagerank_tolerance"))

    graph = _graph(session, dbt.ref("fct_follows"))
    adjacency = _adjacency(graph)
    in_degrees = adjacency.sum(axis=1).astype(np.int64)  # row sums: followers
    out_degrees = adjacency.sum(axis=0).astype(np.int64)  # column sums: followed
    start = _warm_start(session, _previous_table(session, dbt.this), graph)
    ranks, iterations = _power_iteration(adjacency, out_degrees, graph.starts, start=start,
                                         alpha=alpha, max_iterations=max_iterations,
                                         tolerance=tolerance)
    return _table(graph, in_degrees, out_degrees, ranks, iterations)


def _table(graph: Graph, in_degrees, out_degrees, ranks, iterations) -> pa.Table:
    sizes = np.diff(graph.starts)
    return pa.table([
        pa.DictionaryArray.from_arrays(
            pa.array(np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)),
            pa.array(graph.platforms, pa.string())).cast(pa.string()),
        pa.chunked_array(graph.usernames, pa.string()),
        pa.array(in_degrees),
        pa.array(out_degrees),
        pa.array(ranks, pa.float64()),
        pa.array(np.repeat(iterations, sizes), pa.int32()),
    ], schema=SCHEMA)


def _graph(session, follows) -> Graph:
    """The current edges of fct_follows, each platform's endpoints numbered by Arrow."""
    session.register(FOLLOWS, follows)
    try:
        platforms = [row[0] for row in session.execute(
            f"select distinct platform from {FOLLOWS} where is_current and platform is not null "
            "order by platform").fetchall()]
        usernames, sources, targets, starts = [], [], [], [0]
        for platform in platforms:
            edges = session.sql(f"""
                select follower_username as source, followed_username as target
                from {FOLLOWS}
                where is_current and platform = ?
                    and follower_username is not null and followed_username is not null
            """, params=[platform]).to_arrow_table()
            endpoints = pa.chunked_array(edges.column("source").chunks
                                         + edges.column("target").chunks).combine_chunks()
            encoded = pc.dictionary_encode(endpoints)
            ids = encoded.indices.to_numpy().astype(np.int64) + starts[-1]
            sources.append(ids[:edges.num_rows])
            targets.append(ids[edges.num_rows:])
            usernames.append(encoded.dictionary.cast(pa.string()))
            starts.append(starts[-1] + len(encoded.dictionary))
    finally:
        session.unregister(FOLLOWS)
    return Graph(platforms=platforms, usernames=usernames, starts=np.array(starts),
                 sources=np.concatenate(sources) if sources else np.empty(0, np.int64),
                 targets=np.concatenate(targets) if targets else np.empty(0, np.int64))


def _adjacency(graph: Graph) -> sparse.csr_array:
    """adjacency[t, s] = 1 when s follows t: an edge listed twice is one entry (the conversion
    to CSR sums duplicates; each entry is then set back to 1)."""
    adjacency = sparse.csr_array(
        (np.ones(len(graph.sources)), (graph.targets, graph.sources)),
        shape=(graph.node_count, graph.node_count))
    adjacency.data[:] = 1.0
    return adjacency


def _previous_table(session, this) -> str | None:
    """This model's table from the previous build, if the warehouse being built holds one
    (dbt builds the new table beside it and swaps them afterwards)."""
    found = session.execute(
        "select count(*) from duckdb_tables() "
        "where database_name = ? and schema_name = ? and table_name = ?",
        [this.database, this.schema, this.identifier]).fetchall()  # drained: DuckDB 2.0
    return str(this) if found[0][0] else None


def _warm_start(session, previous: str | None, graph: Graph) -> np.ndarray | None:
    """The previous ranks by node id (NaN for an account new to the graph), or None for a cold
    start (no previous table). DuckDB matches the names (a parallel hash join)."""
    if previous is None:
        return None
    ranks = np.full(graph.node_count, np.nan)
    for platform, names, start in zip(graph.platforms, graph.usernames, graph.starts):
        session.register(NODES, pa.table({"username": names,
                                          "node_id": np.arange(len(names), dtype=np.int64)}))
        try:
            found = session.execute(f"""
                select nodes.node_id, cast(previous.pagerank as double) as pagerank
                from {NODES} as nodes
                inner join {previous} as previous
                    on previous.platform = ? and previous.username = nodes.username
            """, [platform]).fetchnumpy()
        finally:
            session.unregister(NODES)
        ranks[found["node_id"] + start] = found["pagerank"]
    return ranks


def _power_iteration(adjacency, out_degrees, starts, *, start, alpha, max_iterations,
                     tolerance):
    """networkx.pagerank's power iteration on every graph at once (graph i: node ids
    starts[i]..starts[i+1]-1); each graph stops at its own L1 change <= tolerance. ``start``:
    ranks by node id to begin from (NaN: unknown). Returns the ranks by node id and the steps
    taken by graph."""
    counts = np.diff(starts)  # nodes per graph
    graph_count = len(counts)
    if graph_count == 0:
        return np.empty(0), np.empty(0, np.int32)
    sizes = counts.astype(np.float64)
    firsts = starts[:-1]
    is_dangling = out_degrees == 0
    # A node passes rank / out_degree along each of its edges (nothing when it has none).
    share = np.divide(1.0, out_degrees, out=np.zeros(len(out_degrees)), where=~is_dangling)

    def per_graph(values):
        return np.add.reduceat(values, firsts)

    def per_node(values):
        return np.repeat(values, counts)

    uniform = per_node(1.0 / sizes)
    ranks = uniform if start is None else np.where(np.isnan(start), uniform, start)
    ranks = ranks / per_node(per_graph(ranks))

    iterations = np.zeros(graph_count, dtype=np.int32)
    running = np.ones(graph_count, dtype=bool)
    for step in range(1, max_iterations + 1):
        if not running.any():
            break
        dangling = per_graph(np.where(is_dangling, ranks, 0.0))
        spread = (alpha * dangling + (1 - alpha)) / sizes
        following = alpha * (adjacency @ (ranks * share)) + per_node(spread)
        change = per_graph(np.abs(following - ranks))
        ranks = np.where(per_node(running), following, ranks)
        iterations[running] = step
        running &= change > tolerance
    return ranks, iterations
