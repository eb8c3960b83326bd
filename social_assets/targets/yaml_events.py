"""Reading a YAML target list as a stream of parser events, in bounded time and memory.

``compose`` builds the document's nodes without recursion (a deeply nested file costs neither
the stack nor the process) and hands each item of ``targets`` to a callback as soon as it is
complete, so a 10 MB list holds its rows, not a node per value. Whatever cannot be a target
list (a top-level list, another top-level key, a mapping as ``targets``, more rows or values
than any list needs) is refused when it is met, not after the rest of the file was read.
"""
from __future__ import annotations

import operator
import re
from itertools import accumulate
from typing import Callable

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .model import MAX_ROWS, TargetListError, too_many_rows
from .values import did_you_mean, quote

# libyaml's event parser when installed (much faster than PyYAML's), else PyYAML's: both are
# iterative, unlike the node composers (libyaml's crashes the process on deep nesting).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = Resolver()
# Root mapping > targets list > row mapping > collect list > its items: nothing deeper is read.
_MAX_DEPTH = 5
_STARTS = frozenset({SequenceStartEvent, MappingStartEvent})
_ENDS = frozenset({SequenceEndEvent, MappingEndEvent})
# A row's checks read at most its first 13 values (a collect list of more is refused).
_MAX_CHILDREN = 16
# Parser events (each a few microseconds) a file may produce: a 10 MB list of ordinary rows
# makes under 2 million; a 10 MB file of tiny values makes 5 million (10+ seconds).
_MAX_EVENTS = 3_000_000
EXPECTED = "expected a mapping with a `targets:` list of rows"
_ROOT_LIST = (f"is a YAML list, {EXPECTED} (write `targets:` on the first line and indent the "
              f"rows under it)")
_TARGETS_MAPPING = "`targets` is a mapping, expected a list of rows (each starting with '- ')"
_TWICE = "has `targets:` twice"
# YAML scanners spend time proportional to the open flow collections on every token, so a deep
# `[[[[...` takes quadratic time (100,000 levels: half a minute). Rows need three levels.
MAX_FLOW_DEPTH = 64
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def flow_depth(text: str) -> int:
    """The deepest bracket nesting, counting every ``[{`` and ``]}`` (even quoted: an upper bound
    that only matters for absurd files), a closer never going below zero; C-speed loops."""
    sums = list(accumulate(map(_STEP.__getitem__, _BRACKETS.findall(text)), initial=0))
    return max(map(operator.sub, sums, accumulate(sums, min)))


def compose(text: str, name: str, make_row: Callable) -> tuple[object, list]:
    """The document's root node, and ``make_row(node)`` of each item of its ``targets`` list.

    An item becomes its row when complete and its nodes are dropped (the list's node stays
    empty); a collection in a row keeps its first ``_MAX_CHILDREN`` children, later ones are
    skipped unread; collections deeper than ``_MAX_DEPTH`` are kept empty. An anchor is usable
    once its node is complete, so no node contains itself (and aliases share, never copy)."""
    root = None
    rows: list = []
    stack: list[list] = []  # open collections: [node, pending mapping key, anchor]
    anchors: dict[str, object] = {}
    skipping = documents = 0
    targets = None  # the SequenceNode of `targets:`, whose items are turned into rows

    def add(node, complete: bool = True) -> None:
        nonlocal root
        if not stack:
            if isinstance(node, SequenceNode):
                raise TargetListError(_ROOT_LIST, name=name)
            root = node
            return
        parent = stack[-1]
        if len(stack) == 1 and isinstance(parent[0], MappingNode):
            _check_top_level(parent[0], parent[1], node, name)
        if parent[0] is targets:
            if complete:  # a collection becomes its row when it ends
                add_row(node)
        elif len(stack) > 2 and len(parent[0].value) >= _MAX_CHILDREN:
            return  # an anchored child of a full collection: usable by its alias only
        elif isinstance(parent[0], SequenceNode):
            parent[0].value.append(node)
        elif parent[1] is None:
            parent[1] = node
        else:
            parent[0].value.append((parent[1], node))
            parent[1] = None

    def add_row(node) -> None:
        if len(rows) == MAX_ROWS:
            raise TargetListError(too_many_rows(node.start_mark.line + 1), name=name)
        rows.append(make_row(node))

    for count, event in enumerate(yaml.parse(text, Loader=_Loader)):
        kind = type(event)
        if count == _MAX_EVENTS:
            raise TargetListError(f"has more than {_MAX_EVENTS:,} YAML values and collections "
                                  f"(the limit is passed on line {event.start_mark.line + 1:,}); "
                                  f"a target list of {MAX_ROWS:,} rows needs fewer", name=name)
        if skipping:
            skipping += (kind in _STARTS) - (kind in _ENDS)
            continue
        # A child of a full collection inside a row is never read: skipped unless anchored.
        full = (len(stack) > 2 and kind is not SequenceEndEvent and kind is not MappingEndEvent
                and len(stack[-1][0].value) >= _MAX_CHILDREN and not event.anchor)
        if kind is ScalarEvent:
            if full:
                continue
            tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(
                ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
            if event.anchor:
                anchors[event.anchor] = node
            add(node)
        elif kind in _STARTS:
            node_kind = MappingNode if kind is MappingStartEvent else SequenceNode
            node = node_kind(event.tag, [], event.start_mark, event.end_mark, event.flow_style)
            is_targets = (node_kind is SequenceNode and len(stack) == 1 and stack[0][1] is not None
                          and isinstance(stack[0][0], MappingNode))
            if full or len(stack) + 1 > _MAX_DEPTH:
                skipping = 1
            add(node, complete=False)
            if is_targets:
                targets = node
            if not skipping:
                stack.append([node, None, event.anchor])
        elif kind in _ENDS:
            node, _, anchor = stack.pop()
            if anchor:
                anchors[anchor] = node
            if stack and stack[-1][0] is targets:
                add_row(node)
        elif kind is AliasEvent:
            if event.anchor not in anchors:
                raise TargetListError(f"is not valid YAML (alias *{event.anchor} at line "
                                      f"{event.start_mark.line + 1} has no complete anchor "
                                      f"before it)", name=name)
            if not full:
                add(anchors[event.anchor])
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise TargetListError("has more than one YAML document (a second '---'); "
                                      "put every row under one `targets:`", name=name)
    return root, rows


def _check_top_level(root, key, node, name: str) -> None:
    """Refuse a top-level key other than one ``targets``, or a mapping as its value, as soon as
    it starts: the rest of the file is not read into memory for a message about one line."""
    if key is None:  # ``node`` is a key
        if not isinstance(node, ScalarNode):
            kind = "list" if isinstance(node, SequenceNode) else "mapping"
            raise TargetListError(f"has a {kind} as a top-level key (line "
                                  f"{node.start_mark.line + 1}); only `targets:` is read", name=name)
        if node.value != "targets":
            raise TargetListError(unknown_key(node.value), name=name)
        if root.value:  # every key before this one was `targets`
            raise TargetListError(_TWICE, name=name)
    elif isinstance(node, MappingNode):
        raise TargetListError(_TARGETS_MAPPING, name=name)


def unknown_key(key: str) -> str:
    return (f"has unknown top-level key {quote(key, 40)}{did_you_mean(key, ['targets'])}; "
            f"only `targets:` is read")
