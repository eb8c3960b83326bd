"""Target list files from ``hostile`` cases: YAML and CSV, each row's line recorded."""
from __future__ import annotations

import csv
import io

from tests.badinput.hostile import Case, needs_escape


def yaml_scalar(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif needs_escape(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)  # look-alikes, zero-width and bidi characters stay raw in the file
    return '"' + "".join(out) + '"'


def _yaml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    return yaml_scalar(value)


def build_yaml(cases: list[Case]) -> tuple[str, dict[int, Case]]:
    """A YAML target list of ``cases``: one-key rows in flow style, others in block style over
    several lines, a comment or a blank line now and then. Returns it and each row's line."""
    lines = ["# a hostile target list", "targets:"]
    at = {}
    for i, case in enumerate(cases):
        if i % 7 == 3:
            lines.append("  # a comment between rows" if i % 2 else "")
        at[len(lines) + 1] = case
        if case.raw is not None:
            lines.append(f"  - {case.raw}".rstrip())
        elif len(case.fields) == 1:
            (key, value), = case.fields.items()
            lines.append(f"  - {{{key}: {_yaml_value(value)}}}")
        else:
            for n, (key, value) in enumerate(case.fields.items()):
                lines.append(f"  {'- ' if n == 0 else '  '}{key}: {_yaml_value(value)}")
    return "\n".join(lines) + "\n", at


def build_csv(cases: list[Case]) -> tuple[str, dict[int, Case]]:
    """The CSV form of the rows that CSV can carry (no raw YAML, no control characters)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["url", "platform", "username", "tweet_id", "collect"])
    at, line = {}, 1
    for i, case in enumerate(c for c in cases if not c.yaml_only):
        if i % 9 == 4:
            out.write("# a comment line\n\n")
            line += 2
        line += 1
        at[line] = case
        f = case.fields
        collect = f.get("collect", "")
        writer.writerow([f.get("url", ""), f.get("platform", ""), f.get("username", ""),
                         f.get("tweet_id", ""), "|".join(collect) if isinstance(collect, list) else collect])
    return out.getvalue(), at


def interleave(good: list[Case], bad: list[Case]) -> list[Case]:
    """The good rows spread among the bad ones: the first row, the last, and evenly between."""
    rows, chunk = [], -(-len(bad) // max(1, len(good) - 1))
    for n, case in enumerate(good):
        rows.append(case)
        rows.extend(bad[n * chunk:(n + 1) * chunk])
    return rows


def junk_list(build, good: list[Case], bad: list[Case], size: int) -> tuple[str, dict[int, Case]]:
    """A list of about ``size`` bytes written by ``build``: ``bad`` over and over, the ``good``
    rows at the start, in the middle and at the end."""
    cycle = len(build(bad)[0].encode())
    half = bad * max(1, size // cycle // 2)
    return build(good[:3] + half + good[3:5] + half + good[5:])
