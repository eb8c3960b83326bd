"""``benchmarks/RESULTS.md`` holds one section per benchmark, each under its own ``# `` title:
a benchmark rewrites its own section and leaves the others as they are."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, text: str) -> None:
    """Replace the section whose first line (``# Title``) is ``text``'s, else append it."""
    title = text.splitlines()[0]
    assert title.startswith("# "), "a section starts with its '# ' title"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    sections, current = [], []
    for line in old.splitlines(keepends=True):
        if line.startswith("# ") and current:
            sections.append("".join(current))
            current = []
        current.append(line)
    if current:
        sections.append("".join(current))
    body = text.rstrip("\n") + "\n"
    for i, section in enumerate(sections):
        if section.splitlines()[0] == title:
            sections[i] = body + ("\n" if i < len(sections) - 1 else "")
            break
    else:
        sections.append(("\n" if sections else "") + body)
    path.write_text("".join(sections), encoding="utf-8")
