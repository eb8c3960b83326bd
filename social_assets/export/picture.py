"""A PNG of the most connected accounts: who they are, how they cluster, who follows whom.

Rendered with matplotlib's Agg canvas on a standalone ``Figure`` (never ``pyplot``'s global
state, and nothing at import), so it works headless, in threads, and in a process that has
another backend selected. Same graph, same picture: the layout is seeded.
"""

import io
import math
from pathlib import Path

import networkx as nx

from resources.datadir import DataPath, is_remote
from social_assets.export.files import atomic_path

LAYOUT_SEED = 7
WIDTH_IN, HEIGHT_IN, DPI = 16, 12, 100  # 1600 x 1200 pixels
MAX_BYTES = 1_500_000  # small enough to embed in the Dagster UI as a data URL
LABELLED = 15
OTHER_COLOUR = "#b0b0b0"
MARKERS = {"twitter": "o", "instagram": "s"}


def top_accounts(graph: nx.MultiDiGraph, top_n: int) -> list[str]:
    """The ``top_n`` nodes by PageRank, then degree, then id (degree alone when no node has a
    PageRank): the accounts the picture shows, most important first."""
    degree = dict(graph.degree())
    return sorted(graph.nodes,
                  key=lambda n: (-graph.nodes[n].get("pagerank", 0.0), -degree[n], n))[:top_n]


def packed_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions for ``graph``: each connected component gets its own seeded spring layout,
    scaled to its size, and the components are packed in rows, largest first.

    One spring layout of a disconnected graph pushes the components to the corners and
    crowds each into a dot; packing keeps every cluster legible.
    """
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    radii = [math.sqrt(len(c)) for c in components]
    row_width = max(2.4 * math.sqrt(sum(4 * r * r for r in radii)), 2 * radii[0]) if radii else 0
    position, x, y, row_height = {}, 0.0, 0.0, 0.0
    for members, radius in zip(components, radii):
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y - row_height - 0.6, 0.0
        if len(members) == 1:
            local = {next(iter(members)): (0.0, 0.0)}
        else:
            local = nx.spring_layout(graph.subgraph(sorted(members)), seed=LAYOUT_SEED,
                                     iterations=100)
        for node, (lx, ly) in local.items():
            position[node] = (x + radius + lx * radius, y - radius + ly * radius)
        x += 2 * radius + 0.6
        row_height = max(row_height, 2 * radius)
    return position


def _colours(graph: nx.MultiDiGraph, nodes: list[str]) -> tuple[dict[str, str], list]:
    """A colour per node: the communities most present among ``nodes`` get tab10 colours, the
    rest grey. Also the legend entries (colour, text)."""
    from matplotlib import colormaps

    palette = [colormaps["tab10"](i) for i in range(10) if i != 7]  # 7 is grey: "the rest"
    counts: dict[int, int] = {}
    for node in nodes:
        community = graph.nodes[node].get("community")
        if community is not None:
            counts[community] = counts.get(community, 0) + 1
    ranked = sorted(counts, key=lambda c: (-counts[c], c))[: len(palette)]
    colour_of = {community: palette[i] for i, community in enumerate(ranked)}
    colours = {n: colour_of.get(graph.nodes[n].get("community"), OTHER_COLOUR) for n in nodes}
    legend = [(colour_of[c], f"community {c} ({counts[c]} shown)") for c in ranked]
    return colours, legend


def _render(graph: nx.MultiDiGraph, top_n: int, dpi: int) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=dpi, facecolor="white")
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.01, 0.01, 0.80, 0.93))  # the legend gets the right-hand strip
    ax.set_axis_off()
    nodes = top_accounts(graph, top_n)
    if not nodes:
        ax.text(0.5, 0.5, "No accounts in the warehouse yet", ha="center", va="center",
                fontsize=28, color="#555555", transform=ax.transAxes)
    else:
        shown = graph.subgraph(nodes)
        layout_graph = nx.Graph()
        layout_graph.add_nodes_from(nodes)
        layout_graph.add_edges_from((u, v) for u, v in shown.edges() if u != v)
        position = packed_layout(layout_graph)
        for kind, colour, alpha, width in (("follows", "#7f7f7f", 0.25, 0.6),
                                           ("replied_to", "#ff7f0e", 0.6, 1.2)):
            segments = [(position[u], position[v]) for u, v, t in shown.edges(data="type")
                        if t == kind and u != v]
            if segments:
                ax.add_collection(LineCollection(segments, colors=colour, alpha=alpha,
                                                 linewidths=width, zorder=1))
        colours, legend = _colours(graph, nodes)
        degree = dict(graph.degree(nodes))
        if any("pagerank" in graph.nodes[n] for n in nodes):
            top = max(graph.nodes[n].get("pagerank", 0.0) for n in nodes) or 1.0
            share = {n: graph.nodes[n].get("pagerank", 0.0) / top for n in nodes}
        else:
            top = max(degree.values()) or 1
            share = {n: degree[n] / top for n in nodes}
        for platform in sorted({graph.nodes[n].get("platform", "") for n in nodes}):
            members = [n for n in nodes if graph.nodes[n].get("platform", "") == platform]
            sizes = [40 + 1400 * share[n] for n in members]
            ax.scatter([position[n][0] for n in members], [position[n][1] for n in members],
                       s=sizes, c=[colours[n] for n in members],
                       marker=MARKERS.get(platform, "D"), edgecolors="white", linewidths=0.8,
                       zorder=2)
        for node in nodes[:LABELLED]:
            x, y = position[node]
            ax.annotate(f"@{graph.nodes[node].get('username', node)}", (x, y), xytext=(6, 6),
                        textcoords="offset points", fontsize=12, zorder=3,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                              "alpha": 0.8})
        handles = [Line2D([], [], marker="o", linestyle="", color=c, markersize=10, label=t)
                   for c, t in legend]
        handles += [Line2D([], [], color="#7f7f7f", label="follows"),
                    Line2D([], [], color="#ff7f0e", label="replied to")]
        handles += [Line2D([], [], marker=MARKERS.get(p, "D"), linestyle="", color="#444444",
                           label=p) for p in sorted(MARKERS)]
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=11,
                  frameon=False)
        ax.set_aspect("equal", adjustable="datalim")
        ax.autoscale_view()
        ax.margins(0.05)
    figure.suptitle(
        f"Social graph: the {len(nodes)} most central of {graph.number_of_nodes()} accounts "
        f"({graph.number_of_edges()} edges in all), coloured by follow community",
        fontsize=18)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def draw_png(graph: nx.MultiDiGraph, path: DataPath, top_n: int = 150, *,
             max_bytes: int = MAX_BYTES) -> DataPath:
    """A picture of the ``top_n`` most central accounts of ``graph`` at ``path`` (atomic).

    Nodes sized by PageRank, coloured by community, shaped by platform; the top 15 labelled;
    follow edges grey, reply edges orange. 1600x1200 pixels, or a lower resolution when that
    file would exceed ``max_bytes``. An empty graph gives a picture that says so.
    """
    dpi = DPI
    png = _render(graph, top_n, dpi)
    while len(png) > max_bytes and dpi > 40:
        dpi = int(dpi * 0.75)
        png = _render(graph, top_n, dpi)
    with atomic_path(path) as tmp:
        tmp.write_bytes(png)
    return path if is_remote(path) else Path(path)
