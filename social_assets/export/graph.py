"""The current social graph as a networkx ``MultiDiGraph``, from the warehouse marts.

Nodes are accounts, ``"<platform>:<username>"``, with the attributes in ``NODE_ATTRIBUTES``
plus ``label`` (the username, what Gephi shows) and ``community``. Edges are keyed by their
``type``, so a pair of accounts has at most one edge of each type:

- ``follows``: follower -> followed account, for each follow that holds now
  (``fct_follows.is_current``), with ``first_seen_at``/``last_seen_at``;
- ``replied_to``: replier -> the replied post's author, when the API named the author, with
  ``replies`` (how many) and ``first_replied_at``/``last_replied_at``.

Every attribute is None-safe (see ``values``): an unknown value is left out, never invented.
"""

import networkx as nx

from social_assets.export import values
from social_assets.export.community import follow_communities
from social_assets.export.tables import GraphTables, read_tables

FOLLOWS = "follows"
REPLIED_TO = "replied_to"

ACCOUNT_ATTRIBUTES = {
    "display_name": values.text,
    "followers_count": values.integer,
    "following_count": values.integer,
    "is_verified": values.boolean,
}
METRIC_ATTRIBUTES = {
    "in_degree": values.integer,
    "out_degree": values.integer,
    "mutual_count": values.integer,
    "pagerank": values.real,
}
NODE_ATTRIBUTES = ["platform", "username", *ACCOUNT_ATTRIBUTES, *METRIC_ATTRIBUTES]
FOLLOW_ATTRIBUTES = {"first_seen_at": values.timestamp, "last_seen_at": values.timestamp}
REPLY_ATTRIBUTES = {"replies": values.integer, "first_replied_at": values.timestamp,
                    "last_replied_at": values.timestamp}


def node_id(platform: str, username: str) -> str:
    """The node of an account: ``"twitter:janedoe"`` (as XML can hold it, see ``values.text``)."""
    return f"{values.text(platform)}:{values.text(username)}"


def load_graph(conn) -> nx.MultiDiGraph:
    """The current graph read from the marts over ``conn`` (DuckDB or a DB-API connection)."""
    return build_graph(read_tables(conn))


def build_graph(tables: GraphTables) -> nx.MultiDiGraph:
    """The graph of ``tables``: every account of ``dim_accounts`` and ``account_metrics`` and
    every edge endpoint is a node (in sorted order, so layouts and files are reproducible)."""
    accounts: dict[str, dict] = {}

    def account(platform, username) -> dict:
        node = node_id(platform, username)
        if node not in accounts:
            name = values.text(username)
            accounts[node] = {"platform": values.text(platform), "username": name, "label": name}
        return accounts[node]

    for row in tables.accounts:
        account(row["platform"], row["username"]).update(values.convert(row, ACCOUNT_ATTRIBUTES))
    for row in tables.metrics:
        account(row["platform"], row["username"]).update(values.convert(row, METRIC_ATTRIBUTES))
    edges = []
    for row in tables.follows:
        account(row["platform"], row["follower_username"])
        account(row["platform"], row["followed_username"])
        edges.append((node_id(row["platform"], row["follower_username"]),
                      node_id(row["platform"], row["followed_username"]), FOLLOWS,
                      {"type": FOLLOWS, **values.convert(row, FOLLOW_ATTRIBUTES)}))
    for row in tables.replies:
        account(row["platform"], row["replier_username"])
        account(row["platform"], row["target_username"])
        edges.append((node_id(row["platform"], row["replier_username"]),
                      node_id(row["platform"], row["target_username"]), REPLIED_TO,
                      {"type": REPLIED_TO, **values.convert(row, REPLY_ATTRIBUTES)}))

    graph = nx.MultiDiGraph(name="social_graph")
    graph.add_nodes_from((node, accounts[node]) for node in sorted(accounts))
    graph.add_edges_from(sorted(edges, key=lambda edge: edge[:3]))
    nx.set_node_attributes(graph, follow_communities(graph), "community")
    return graph


def graph_metadata(graph: nx.MultiDiGraph, target: str) -> dict:
    """What every export's materialization says of its graph: its size, edges of each type,
    communities, and the warehouse it was read from."""
    kinds = [kind for _, _, kind in graph.edges(keys=True)]
    communities = {c for _, c in graph.nodes(data="community") if c is not None}
    return {
        "dagster/row_count": graph.number_of_edges(),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "follow_edges": kinds.count(FOLLOWS),
        "reply_edges": kinds.count(REPLIED_TO),
        "communities": len(communities),
        "warehouse_target": target,
    }
