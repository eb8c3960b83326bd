"""The graph as GraphML and GEXF files, each written atomically (temporary name, then rename).

A reader (Gephi, a file sync) never sees half a file, and a re-run replaces the file in place.
On object storage (a URL data dir) the file is written to a local temporary file, then uploaded
as the final key in one upload: the object appears whole, and no temporary key is ever listed.
Both writers take the graph of ``graph.build_graph`` and keep every attribute; what differs is
how each format names an edge:

- GraphML: edge ids ``e0, e1, ...`` (unique, as Gephi requires; a pair of accounts can have a
  ``follows`` and a ``replied_to`` edge), the edge type in the ``type`` attribute, attribute
  keys named after the attributes.
- GEXF: its ``type`` edge attribute is reserved for directed/undirected, so the edge type is
  the edge's ``label`` (and, written by networkx for multigraphs, ``networkx_key``); reading
  the file back with ``networkx.read_gexf`` gives edges keyed by their type.
"""

import contextlib
import os
import uuid
from collections.abc import Iterator
import tempfile
from pathlib import Path

import networkx as nx

from resources.datadir import DataPath, is_remote, put_bytes


@contextlib.contextmanager
def atomic_path(path: DataPath) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed to ``path`` when the block succeeds (for an
    object storage ``path``: a local temporary file, uploaded as ``path`` in one upload)."""
    if is_remote(path):
        with tempfile.TemporaryDirectory(prefix="social-export-") as folder:
            tmp = Path(folder) / path.name
            yield tmp
            put_bytes(path, tmp.read_bytes())
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _with_edge_ids(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    copy = nx.MultiDiGraph(**graph.graph)
    copy.add_nodes_from(graph.nodes(data=True))
    copy.add_edges_from((u, v, f"e{index}", data)
                        for index, (u, v, data) in enumerate(graph.edges(data=True)))
    return copy


def _with_edge_labels(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    copy = nx.MultiDiGraph(**graph.graph)
    copy.add_nodes_from(graph.nodes(data=True))
    for u, v, key, data in graph.edges(keys=True, data=True):
        attributes = {name: value for name, value in data.items() if name != "type"}
        copy.add_edge(u, v, key=data.get("type", key), label=data.get("type", key), **attributes)
    return copy


def write_graphml(graph: nx.MultiDiGraph, path: DataPath) -> DataPath:
    """``graph`` as GraphML at ``path`` (atomic); returns ``path``."""
    with atomic_path(path) as tmp:
        nx.write_graphml(_with_edge_ids(graph), tmp, named_key_ids=True)
    return path if is_remote(path) else Path(path)


def write_gexf(graph: nx.MultiDiGraph, path: DataPath) -> DataPath:
    """``graph`` as GEXF 1.2 at ``path`` (atomic); returns ``path``."""
    with atomic_path(path) as tmp:
        nx.write_gexf(_with_edge_labels(graph), tmp)
    return path if is_remote(path) else Path(path)
