"""Communities of the follow graph: Louvain on its undirected form, numbered deterministically."""

import networkx as nx

COMMUNITY_SEED = 42


def follow_communities(graph: nx.MultiDiGraph, *, seed: int = COMMUNITY_SEED) -> dict[str, int]:
    """A community number per node of ``graph``, from its ``follows`` edges only.

    Louvain (``networkx.community.louvain_communities``) with a fixed seed on the undirected
    follow graph, nodes in ``graph``'s order, so the same graph always gets the same answer.
    Communities are numbered 0, 1, ... by size, largest first (ties: smallest node id first);
    an account with no follow edge is a community of its own.
    """
    undirected = nx.Graph()
    undirected.add_nodes_from(graph.nodes)
    undirected.add_edges_from(
        (u, v) for u, v, kind in graph.edges(data="type") if kind == "follows" and u != v)
    if undirected.number_of_nodes() == 0:
        return {}
    found = nx.community.louvain_communities(undirected, seed=seed)
    ordered = sorted(found, key=lambda members: (-len(members), min(members)))
    return {node: number for number, members in enumerate(ordered) for node in members}
