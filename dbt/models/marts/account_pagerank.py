"""PageRank of every account of the current follow graph, one graph per platform (DuckDB only).

networkx.pagerank(G, alpha) on each platform's DiGraph of current edges (fct_follows where
is_current): nodes are the edges' endpoints, duplicate edges count once, the teleport is uniform
and the rank of dangling nodes (no out-edge) is spread uniformly over the platform's nodes at
every step. Each platform's power iteration stops once its L1 change is at most
pagerank_tolerance (its error to the fixed point is then at most tolerance * alpha / (1 - alpha)),
or after pagerank_max_iterations; pagerank_iterations says how many steps it took.

DuckDB assigns the integer ids (a sort and two joins, where it is fast); numpy/scipy iterate on
a sparse matrix holding every platform's graph (block diagonal, so they stay independent).

Warm start: when this model's previous table is in the warehouse being built, the iteration
starts from its ranks (an account new to the graph at 1/N, then renormalised per platform):
the same fixed point, within the tolerance, in fewer steps. A warehouse without the table (a
first build, a build into a new file) starts every account at 1/N. It is a table model, so
`--full-refresh` alone does not make a cold start.

Only on DuckDB: dbt-postgres cannot run Python models, so on PostgreSQL this model is disabled
(account_pagerank.yml) and account_metrics computes PageRank with the SQL macro `pagerank`.
"""

import numpy as np
import pyarrow as pa
from scipy import sparse

NODES = "__account_pagerank_nodes"
EDGES = "__account_pagerank_edges"

SCHEMA = pa.schema([
    ("platform", pa.string()),
    ("username", pa.string()),
    ("pagerank", pa.float64()),
    ("pagerank_iterations", pa.int32()),
])


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt vars cannot be read from a Python model: account_pagerank.yml passes them as meta.
    alpha = float(dbt.config.meta_get("pagerank_alpha"))
    max_iterations = int(dbt.config.meta_get("pagerank_max_iterations"))
    tolerance = float(dbt.config.meta_get("pagerank_tolerance"))
    follows = dbt.ref("fct_follows")

    previous = _previous_table(session, dbt.this)
    try:
        graph_ids, edges, warm = _graph(session, follows, previous)
        ranks, iterations = _power_iteration(
            graph_ids=graph_ids, sources=edges["source_id"], targets=edges["target_id"],
            start=warm, alpha=alpha, max_iterations=max_iterations, tolerance=tolerance)
        accounts = session.sql(
            f"select node_id, platform, username from {NODES}").to_arrow_table()
    finally:
        session.execute(f"drop table if exists {NODES}; drop table if exists {EDGES}")
    node_ids = accounts.column("node_id").to_numpy()
    return pa.table([
        accounts.column("platform").cast(pa.string()),
        accounts.column("username").cast(pa.string()),
        pa.array(ranks[node_ids], pa.float64()),
        pa.array(iterations[graph_ids[node_ids]], pa.int32()),
    ], schema=SCHEMA)


def _previous_table(session, this) -> str | None:
    """This model's table from the previous build, if the warehouse being built holds one
    (dbt builds the new table beside it and swaps them afterwards)."""
    found = session.execute(
        "select count(*) from duckdb_tables() "
        "where database_name = ? and schema_name = ? and table_name = ?",
        [this.database, this.schema, this.identifier]).fetchall()  # drained: DuckDB 2.0
    return str(this) if found[0][0] else None


def _graph(session, follows, previous):
    """The integer graph, numbered by DuckDB (temp tables NODES and EDGES): node ids 0..N-1 in
    (platform, username) order, and returned: each node id's graph id (its platform's rank),
    the edges' endpoint ids, and the warm start (node ids and previous ranks of the nodes the
    previous table holds; None for a cold start)."""
    session.register("__account_pagerank_follows", follows)
    try:
        session.execute(f"""
            create or replace temp table {EDGES} as
            select distinct platform, follower_username as source, followed_username as target
            from __account_pagerank_follows
            where is_current and follower_username is not null and followed_username is not null
        """)
    finally:
        session.unregister("__account_pagerank_follows")
    session.execute(f"""
        create or replace temp table {NODES} as
        with endpoints as (
            select platform, source as username from {EDGES}
            union
            select platform, target as username from {EDGES}
        )
        select
            platform,
            username,
            cast(row_number() over (order by platform, username) - 1 as integer) as node_id,
            cast(dense_rank() over (order by platform) - 1 as integer) as graph_id
        from endpoints
    """)
    nodes = session.sql(f"select node_id, graph_id from {NODES}").fetchnumpy()
    graph_ids = np.empty(len(nodes["node_id"]), dtype=np.int64)
    graph_ids[nodes["node_id"]] = nodes["graph_id"]
    edges = session.sql(f"""
        select sources.node_id as source_id, targets.node_id as target_id
        from {EDGES} as edges
        inner join {NODES} as sources
            on sources.platform = edges.platform and sources.username = edges.source
        inner join {NODES} as targets
            on targets.platform = edges.platform and targets.username = edges.target
    """).fetchnumpy()
    warm = None
    if previous is not None:
        warm = session.sql(f"""
            select nodes.node_id, cast(previous.pagerank as double) as pagerank
            from {NODES} as nodes
            inner join {previous} as previous
                on previous.platform = nodes.platform and previous.username = nodes.username
        """).fetchnumpy()
    return graph_ids, edges, warm


def _power_iteration(*, graph_ids, sources, targets, start, alpha, max_iterations, tolerance):
    """networkx.pagerank's power iteration on every graph at once; each graph stops at its own
    L1 change <= tolerance. Returns the ranks by node id and the steps taken by graph id."""
    node_count = len(graph_ids)
    graph_count = int(graph_ids.max()) + 1 if node_count else 0
    sizes = np.bincount(graph_ids, minlength=graph_count).astype(np.float64)
    out_degrees = np.bincount(sources, minlength=node_count)
    is_dangling = out_degrees == 0
    # inflow = links @ ranks: a node gets rank / out_degree from each node that links to it.
    links = sparse.csr_array(
        (1.0 / out_degrees[sources], (targets, sources)), shape=(node_count, node_count))

    ranks = 1.0 / sizes[graph_ids]
    if start is not None and len(start["node_id"]):
        ranks[start["node_id"]] = start["pagerank"]
        ranks /= np.bincount(graph_ids, weights=ranks, minlength=graph_count)[graph_ids]

    iterations = np.zeros(graph_count, dtype=np.int32)
    running = np.ones(graph_count, dtype=bool)
    for step in range(1, max_iterations + 1):
        if not running.any():
            break
        dangling = np.bincount(graph_ids, weights=np.where(is_dangling, ranks, 0.0),
                               minlength=graph_count)
        spread = (alpha * dangling + (1 - alpha)) / sizes
        following = alpha * (links @ ranks) + spread[graph_ids]
        change = np.bincount(graph_ids, weights=np.abs(following - ranks),
                             minlength=graph_count)
        ranks = np.where(running[graph_ids], following, ranks)
        iterations[running] = step
        running &= change > tolerance
    return ranks, iterations
