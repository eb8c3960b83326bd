"""The global lineage graph in the UI: its URL, reading its node labels, and the picture of it
in the README."""

from __future__ import annotations

from tests.ui.contract import GROUPS

# The global lineage graph with every asset group open (ui-core AssetGraphExplorer keeps the
# open groups in the `expanded` query parameter; group ids are `global@global:<group>`).
LINEAGE_URL = "/asset-groups?expanded=" + ",".join(f"global@global:{g}" for g in GROUPS)
NODE_LABEL = '[class*="AssetNode_assetName"]'
# A window as tall as the whole graph at the zoom the UI opens it with (it draws only the nodes
# in the window).
LINEAGE_VIEWPORT = {"width": 1600, "height": 2400}

# The zoom slider and buttons float over the graph's right edge: not part of a picture.
HIDE_GRAPH_CONTROLS = """() => {
  const right = window.innerWidth - 70;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!el.closest('svg') && r.left >= right && r.top > 120 && r.width > 0 && r.width < 70) {
      el.style.visibility = 'hidden';
    }
  }
}"""


def ancestors(deps: dict[str, set[str]], name: str) -> set[str]:
    seen: set[str] = set()
    todo = list(deps.get(name, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(deps.get(node, ()))
    return seen


def shows(label: str, name: str) -> bool:
    """A node label shows ``name``, whole or middle-truncated (``social_gra…_export``)."""
    label = label.strip()
    if label == name:
        return True
    if "…" in label:
        head, _, tail = label.partition("…")
        return len(head) + len(tail) < len(name) and name.startswith(head) and name.endswith(tail)
    return False


def node_labels(page) -> list[str]:
    return page.locator(f"svg {NODE_LABEL}").all_inner_texts()


def wait_for_nodes(stack, page, names) -> list[str]:
    def all_shown():
        labels = node_labels(page)
        return labels if all(any(shows(l, n) for l in labels) for n in names) else None

    try:
        return stack.wait_for(f"lineage nodes {sorted(names)}", all_shown, 120, interval_s=1.0)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nnode labels on the page: {node_labels(page)}") from None


def graph_box(page, pad: int = 16) -> dict:
    """The viewport rectangle around every node and group box of the graph."""
    boxes = page.locator("svg foreignObject").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().toJSON())")
    view = page.viewport_size
    left = max(0, min(b["left"] for b in boxes) - pad)
    top = max(0, min(b["top"] for b in boxes) - pad)
    right = min(view["width"], max(b["right"] for b in boxes) + pad)
    bottom = min(view["height"], max(b["bottom"] for b in boxes) + pad)
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def wait_still(stack, page) -> None:
    def positions():
        return [tuple(round(v) for v in (b["x"], b["y"])) for b in
                page.locator(f"svg {NODE_LABEL}").evaluate_all(
                    "els => els.map(e => e.getBoundingClientRect().toJSON())")]

    last = {"p": None}

    def still():
        now = positions()
        same = now == last["p"]
        last["p"] = now
        return same

    stack.wait_for("the lineage graph to stop moving", still, 60, interval_s=1.0)
