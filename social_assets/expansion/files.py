"""The proposal as a file and as text: ``<state dir>/proposals/expansion.yaml``, in the target
list's own YAML form (``targets:``, one row per proposed account, each with its rank, score and
signals as a comment), headed by the budget. It is for reading and for review; it is never
collected: only rows accepted into the target list are (``social-graph expand --accept``).
"""

from __future__ import annotations

import os
from pathlib import Path

from social_assets.export.files import atomic_path

from .budget import CREDITS_PER_LOOKUP
from .proposal import Proposal
from .rows import note, yaml_item

PROPOSAL_FILE = Path("proposals") / "expansion.yaml"


def proposal_path(local_dir: Path) -> Path:
    """``<local state folder>/proposals/expansion.yaml`` (``Settings.local_dir``)."""
    return Path(local_dir) / PROPOSAL_FILE


def proposal_yaml(proposal: Proposal) -> str:
    """The proposal in target-list YAML (``parse_targets`` reads it), the budget as comments."""
    lines = [
        "# Audience expansion proposal: NOT collected until accepted into the target list",
        "# (social-graph expand --accept all, or row numbers 1,3, or handles tw_name).",
        f"# {proposal.summary()}.",
        f"# Each row's first collection: one followers,following lookup, {CREDITS_PER_LOOKUP} "
        f"credits (0 if both lists are empty);",
        f"# each refresh on {proposal.refresh_cron!r} costs that again: "
        f"{proposal.monthly_refresh_credits_each:.1f} credits a month per row.",
        "targets:" if proposal.rows else "targets:  # nothing to propose",
    ]
    lines += [yaml_item(c, "  ", note(c)) for c in proposal.rows]
    return "\n".join(lines) + "\n"


def markdown_table(proposal: Proposal) -> str:
    """The proposal for the asset's page: rank, account, score, signals, cost."""
    if not proposal.rows:
        return f"No candidate fits: {proposal.summary()}."
    refresh = proposal.monthly_refresh_credits_each
    out = ["| row | rank | account | score | signals | first collection | refreshes |",
           "|---|---|---|---|---|---|---|"]
    for number, c in enumerate(proposal.rows, start=1):
        out.append(f"| {number} | {c.rank} | `{c.partition_key}` | {c.score:g} | {c.signals()} "
                   f"| {CREDITS_PER_LOOKUP} credits | {refresh:.1f} credits/month |")
    out.append("")
    out.append(f"{proposal.summary()}.")
    return "\n".join(out)


def text_table(proposal: Proposal) -> list[str]:
    """The proposal for the terminal, one line per row."""
    lines = [f"{'row':>3}  {'rank':>5}  {'account':<34} {'score':>6}  signals"]
    for number, c in enumerate(proposal.rows, start=1):
        lines.append(f"{number:>3}  {c.rank:>5}  {c.partition_key:<34} {c.score:>6g}  "
                     f"{c.signals()}")
    return lines


def write_atomically(path: Path, text: str) -> None:
    """``text`` at ``path``, written (and fsynced) under a temporary name beside it and renamed
    over it: the exports' ``atomic_path``."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
