"""The YAML form of a target list: ``targets:``, a list of rows, each a mapping.

Scalars are read as written (``username: no`` is the handle "no", ``tweet_id: 0123456789``
keeps its zero), never through YAML's int/bool/octal guessing. A bare URL string as a row is
read as ``{url: <string>}``; any other non-mapping row is rejected. ``targets:`` with no rows
(all commented out) is an empty list. A row's number is the line of its list item.
"""
from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .model import RejectedRow, Target, TargetListError
from .rows import build_row
from .values import quote, show
from .yaml_events import EXPECTED, MAX_FLOW_DEPTH, compose, flow_depth

_NULL = "tag:yaml.org,2002:null"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_MAPPING_HINT = ("expected a mapping such as {url: https://x.com/<user>} or "
                 "{platform: twitter, username: <user>}")


def yaml_rows(text: str, name: str) -> list[Target | RejectedRow]:
    """One ``Target`` or ``RejectedRow`` per item of ``targets``; ``TargetListError`` when the
    text is not YAML or has no ``targets`` list."""
    if flow_depth(text) > MAX_FLOW_DEPTH:
        raise TargetListError(f"is nested more than {MAX_FLOW_DEPTH} levels deep in [ and {{ "
                              f"brackets; a target list needs three", name=name)
    try:
        root, rows = compose(text, name, _yaml_row)
    except yaml.YAMLError as exc:
        raise TargetListError(f"is not valid YAML ({_yaml_problem(exc)})", name=name) from None
    return [] if _targets_node(root, name) is None else rows


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
    return " ".join(str(exc).split())


def _targets_node(root, name: str) -> SequenceNode | None:
    """The ``targets`` list, ``None`` when there are no rows; what ``compose`` could not refuse
    early (a single value, no ``targets`` key, ``targets`` a single value) is refused here."""
    if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL):
        return None
    if isinstance(root, ScalarNode):
        raise TargetListError(f"is a single YAML value ({quote(root.value, 40)}), {EXPECTED}",
                              name=name)
    if not root.value:
        raise TargetListError(f"has no `targets:` key, {EXPECTED}", name=name)
    ((_, targets),) = root.value  # one `targets` key: ``compose`` refused any other
    if isinstance(targets, ScalarNode) and targets.tag == _NULL:
        return None  # `targets:` with every row commented out
    if isinstance(targets, ScalarNode):
        raise TargetListError(f"`targets` is the value {quote(targets.value, 40)}, expected a list "
                              f"of rows (each starting with '- ')", name=name)
    return targets


def _yaml_row(node) -> Target | RejectedRow:
    row = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        # Six pairs suffice to find a problem (only five keys exist); a huge aliased mapping
        # must not cost a walk per row.
        pairs = [(k.value if isinstance(k, ScalarNode) else _render(k), _yaml_value(v))
                 for k, v in node.value[:6]]
        return build_row(pairs, row=row, fallback_text=lambda: _render(node))
    if isinstance(node, SequenceNode):
        return RejectedRow(row, show(_render(node), 120), f"row is a list, {_MAPPING_HINT}")
    if node.tag == _NULL:
        return RejectedRow(row, "(empty)", f"row is empty, {_MAPPING_HINT}")
    if node.tag in _NUMBER_TAGS:
        return RejectedRow(row, show(node.value, 120), f"row is a number, {_MAPPING_HINT}")
    if "/" in node.value or "." in node.value:
        return build_row([("url", node.value)], row=row, fallback_text=lambda: node.value)
    return RejectedRow(row, show(node.value, 120),
                       f"row is the text {quote(node.value, 40)} and not a URL, {_MAPPING_HINT}")


def _yaml_value(node) -> object:
    """A row's value as written: text, ``None`` (YAML null), a list (of text/None), or ``{}``."""
    if isinstance(node, ScalarNode):
        return None if node.tag == _NULL else node.value
    if isinstance(node, SequenceNode):
        return [_yaml_value(n) if isinstance(n, ScalarNode) else [] for n in node.value[:13]]
    return {}


def _render(node, depth: int = 0) -> str:
    """A short flow-style rendering of a node, for messages."""
    if isinstance(node, ScalarNode):
        return "null" if node.tag == _NULL else node.value
    if depth > 2:
        return "…"
    if isinstance(node, SequenceNode):
        return "[" + ", ".join(_render(n, depth + 1) for n in node.value[:6]) + "]"
    return "{" + ", ".join(f"{_render(k, depth + 1)}: {_render(v, depth + 1)}"
                           for k, v in node.value[:6]) + "}"
