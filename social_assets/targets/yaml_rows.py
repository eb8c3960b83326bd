"""The YAML form of a target list: ``targets:``, a list of rows, each a mapping.

Scalars are read as written (``username: no`` is the handle "no", ``tweet_id: 0123456789``
keeps its zero), never through YAML's int/bool/octal guessing. A bare URL string as a row is
read as ``{url: <string>}``; any other non-mapping row is rejected. ``targets:`` with no rows
(all commented out) is an empty list. A row's number is the line of its list item.
"""
from __future__ import annotations

import operator
import re
from itertools import accumulate

import yaml
from yaml.events import (AliasEvent, CollectionEndEvent, CollectionStartEvent, DocumentStartEvent,
                         MappingStartEvent, ScalarEvent)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .model import RejectedRow, Target, TargetListError
from .rows import build_row
from .values import did_you_mean, quote, show

# libyaml's event parser when installed (much faster than PyYAML's), else PyYAML's: both are
# iterative, unlike the node composers (libyaml's crashes the process on deep nesting).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = Resolver()
# Root mapping > targets list > row mapping > collect list > its items: nothing deeper is read.
_MAX_DEPTH = 5
# YAML scanners spend time proportional to the open flow collections on every token, so a deep
# `[[[[...` takes quadratic time (100,000 levels: half a minute). Rows need three levels.
_MAX_FLOW_DEPTH = 64
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_NULL = "tag:yaml.org,2002:null"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_MAPPING_HINT = ("expected a mapping such as {url: https://x.com/<user>} or "
                 "{platform: twitter, username: <user>}")


def yaml_rows(text: str, name: str) -> list[Target | RejectedRow]:
    """One ``Target`` or ``RejectedRow`` per item of ``targets``; ``TargetListError`` when the
    text is not YAML or has no ``targets`` list."""
    if _flow_depth(text) > _MAX_FLOW_DEPTH:
        raise TargetListError(f"is nested more than {_MAX_FLOW_DEPTH} levels deep in [ and {{ "
                              f"brackets; a target list needs three", name=name)
    try:
        root = _compose(text, name)
    except yaml.YAMLError as exc:
        raise TargetListError(f"is not valid YAML ({_yaml_problem(exc)})", name=name) from None
    rows_node = _targets_node(root, name)
    if rows_node is None:
        return []
    return [_yaml_row(item) for item in rows_node.value]


def _flow_depth(text: str) -> int:
    """The deepest bracket nesting, counting every ``[{`` and ``]}`` (even quoted: an upper bound
    that only matters for absurd files), a closer never going below zero; C-speed loops."""
    sums = list(accumulate(map(_STEP.__getitem__, _BRACKETS.findall(text)), initial=0))
    return max(map(operator.sub, sums, accumulate(sums, min)))


def _compose(text: str, name: str):
    """The document's root node, built from parser events without recursion, so that a deeply
    nested file costs neither the stack nor the process. Collections deeper than ``_MAX_DEPTH``
    are kept empty; an anchor is usable once its node is complete, so no node contains itself."""
    root = None
    stack: list[list] = []  # open collections: [node, pending mapping key, anchor]
    anchors: dict[str, object] = {}
    skipping = documents = 0

    def add(node) -> None:
        nonlocal root
        if not stack:
            root = node
        elif isinstance(stack[-1][0], SequenceNode):
            stack[-1][0].value.append(node)
        elif stack[-1][1] is None:
            stack[-1][1] = node
        else:
            stack[-1][0].value.append((stack[-1][1], node))
            stack[-1][1] = None

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise TargetListError("has more than one YAML document (a second '---'); "
                                      "put every row under one `targets:`", name=name)
        elif skipping:
            skipping += isinstance(event, CollectionStartEvent) - isinstance(event, CollectionEndEvent)
        elif isinstance(event, ScalarEvent):
            tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(
                ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
            if event.anchor:
                anchors[event.anchor] = node
            add(node)
        elif isinstance(event, AliasEvent):
            if event.anchor not in anchors:
                raise TargetListError(f"is not valid YAML (alias *{event.anchor} at line "
                                      f"{event.start_mark.line + 1} has no complete anchor "
                                      f"before it)", name=name)
            add(anchors[event.anchor])
        elif isinstance(event, CollectionStartEvent):
            kind = MappingNode if isinstance(event, MappingStartEvent) else SequenceNode
            node = kind(event.tag, [], event.start_mark, event.end_mark, event.flow_style)
            add(node)
            if len(stack) + 1 > _MAX_DEPTH:
                skipping = 1
            else:
                stack.append([node, None, event.anchor])
        elif isinstance(event, CollectionEndEvent):
            node, _, anchor = stack.pop()
            if anchor:
                anchors[anchor] = node
    return root


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
    return " ".join(str(exc).split())


def _targets_node(root, name: str) -> SequenceNode | None:
    expected = "expected a mapping with a `targets:` list of rows"
    if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL):
        return None
    if isinstance(root, SequenceNode):
        raise TargetListError(f"is a YAML list, {expected} (write `targets:` on the first line "
                              f"and indent the rows under it)", name=name)
    if isinstance(root, ScalarNode):
        raise TargetListError(f"is a single YAML value ({quote(root.value, 40)}), {expected}",
                              name=name)
    targets = None
    for key, value in root.value:
        key_text = key.value if isinstance(key, ScalarNode) else _render(key)
        if key_text != "targets":
            raise TargetListError(f"has unknown top-level key {quote(str(key_text), 40)}"
                                  f"{did_you_mean(str(key_text), ['targets'])}; only `targets:` is read",
                                  name=name)
        if targets is not None:
            raise TargetListError("has `targets:` twice", name=name)
        targets = value
    if targets is None:
        raise TargetListError(f"has no `targets:` key, {expected}", name=name)
    if isinstance(targets, ScalarNode) and targets.tag == _NULL:
        return None  # `targets:` with every row commented out
    if not isinstance(targets, SequenceNode):
        what = "a mapping" if isinstance(targets, MappingNode) else f"the value {quote(targets.value, 40)}"
        raise TargetListError(f"`targets` is {what}, expected a list of rows (each starting "
                              f"with '- ')", name=name)
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
