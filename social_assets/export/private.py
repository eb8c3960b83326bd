"""The graph with its people taken out: the structure of ``graph.build_graph``, no identities.

Every attribute of the plain graph is decided here, by name, and an attribute this module does
not know is dropped (and reported), so a new column in the export never leaks by default:

- **pseudonymised** (``Pseudonymizer``, field-tagged): the node id ``"<platform>:<username>"``
  (tag ``account``), which is also the node's ``label``; ``display_name``; ``bio`` and
  ``profile_url`` should the graph ever carry them (it does not read them today). ``username``
  is dropped: it is in the node id, and a pseudonym of the bare handle would link the same
  handle across platforms.
- **kept**: ``platform``, ``is_verified``, ``in_degree``, ``out_degree``, ``mutual_count``,
  ``pagerank``; on edges ``type`` and ``replies`` (the reply count). ``community`` keeps its
  members but is renumbered by size, then smallest pseudonym (the plain export breaks ties by
  the smallest handle, which would leak the handles' order).
- **bucketed**: ``followers_count`` and ``following_count`` become ``followers_bucket`` and
  ``following_bucket``, the power of ten below the count (0, 1, 10, 100, ...), capped at
  ``BUCKET_CAP`` (1,000,000 means "a million or more"): an exact count of 280,000,000 names one
  account on a platform; a bucket shared by every account over a million names none.
- **dropped**: the follow and reply timestamps (``first_seen_at``, ``last_seen_at``,
  ``first_replied_at``, ``last_replied_at``): a reply's time finds the reply, so its author, on
  the platform in one search.

Nodes and edges are in pseudonym order, never the plain graph's (which sorts by handle: anyone
who knows the accounts could pair them with the pseudonyms by position).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from social_assets.export.pseudonym import Pseudonymizer

ACCOUNT_FIELD = "account"
PSEUDONYMISED_NODE = ("display_name", "bio", "profile_url")
KEPT_NODE = ("platform", "is_verified", "in_degree", "out_degree", "mutual_count", "pagerank")
BUCKETED_NODE = {"followers_count": "followers_bucket", "following_count": "following_bucket"}
REPLACED_NODE = ("username", "label", "community")  # by the node pseudonym / the renumbering
KEPT_EDGE = ("type", "replies")
DROPPED_EDGE = ("first_seen_at", "last_seen_at", "first_replied_at", "last_replied_at")
BUCKET_CAP = 1_000_000


class PseudonymCollision(Exception):
    """Two accounts got one pseudonym (about 2⁻¹²⁸ per pair): the export would merge them."""


@dataclass(frozen=True)
class PrivateGraph:
    """The pseudonymous graph, and the names of the plain graph's attributes it left out that
    no rule knew (names only: they are code, not data)."""

    graph: nx.MultiDiGraph
    unknown_attributes: tuple[str, ...]


def count_bucket(count: int) -> int:
    """0 for 0 (or less), else the power of ten at or below ``count``, at most ``BUCKET_CAP``."""
    if count <= 0:
        return 0
    return min(10 ** (len(str(int(count))) - 1), BUCKET_CAP)


def privatize(graph: nx.MultiDiGraph, pseudonyms: Pseudonymizer) -> PrivateGraph:
    """``graph`` (``graph.build_graph``'s) with every account replaced by its pseudonym and its
    attributes kept, pseudonymised, bucketed or dropped as the module docstring says."""
    unknown: set[str] = set()
    ids = {node: pseudonyms.pseudonym(ACCOUNT_FIELD, node) for node in graph.nodes}
    if len(set(ids.values())) != len(ids):
        raise PseudonymCollision(f"two of {len(ids)} accounts share a pseudonym; export again "
                                 "with another salt")
    nodes = {}
    for node, data in graph.nodes(data=True):
        pseudonym = ids[node]
        attributes = {"label": pseudonym}
        for name, value in data.items():
            if name in KEPT_NODE:
                attributes[name] = value
            elif name in PSEUDONYMISED_NODE:
                attributes[name] = pseudonyms.pseudonym(name, str(value))
            elif name in BUCKETED_NODE:
                attributes[BUCKETED_NODE[name]] = count_bucket(value)
            elif name not in REPLACED_NODE:
                unknown.add(f"node.{name}")
        nodes[pseudonym] = attributes
    for pseudonym, community in _communities(graph, ids).items():
        nodes[pseudonym]["community"] = community

    edges = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        attributes = {name: value for name, value in data.items() if name in KEPT_EDGE}
        unknown.update(f"edge.{name}" for name in data
                       if name not in KEPT_EDGE and name not in DROPPED_EDGE)
        edges.append((ids[u], ids[v], key, attributes))

    private = nx.MultiDiGraph(name="social_graph_private")
    private.add_nodes_from((node, nodes[node]) for node in sorted(nodes))
    private.add_edges_from(sorted(edges, key=lambda edge: edge[:3]))
    return PrivateGraph(private, tuple(sorted(unknown)))


def _communities(graph: nx.MultiDiGraph, ids: dict[str, str]) -> dict[str, int]:
    """The plain graph's communities (same members), numbered 0, 1, ... by size, largest first,
    ties by smallest pseudonym: nothing in the numbering depends on a handle."""
    members: dict[int, list[str]] = {}
    for node, community in graph.nodes(data="community"):
        if community is not None:
            members.setdefault(community, []).append(ids[node])
    ordered = sorted(members.values(), key=lambda group: (-len(group), min(group)))
    return {pseudonym: number for number, group in enumerate(ordered) for pseudonym in group}
