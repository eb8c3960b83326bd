"""What a graph (built, or read back from a file) says, in plain dicts a test can compare."""

import networkx as nx


def nodes_of(graph: nx.Graph) -> dict[str, dict]:
    return {node: dict(data) for node, data in graph.nodes(data=True)}


def edges_of(graph: nx.MultiDiGraph, type_attribute: str = "type") -> dict[tuple, dict]:
    """``{(source, target, type): other attributes}``; fails on a duplicate edge."""
    edges = {}
    for u, v, data in graph.edges(data=True):
        data = dict(data)
        key = (u, v, data.pop(type_attribute))
        assert key not in edges, f"edge {key} appears twice"
        edges[key] = data
    return edges


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; fails when ``data`` is not a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
