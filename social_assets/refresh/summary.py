"""The refresh plan as the UI shows it: metadata of an observation of the ``refresh_plan`` asset.

Figures a Dagster user plots over time (credits planned this month, the budget, targets due)
plus a table of the next refreshes: when, how often, what each is expected to show.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

import dagster as dg

from social_assets.refresh.plan_rows import PlanRow

SHOWN = 25  # rows of the table: the soonest refreshes


def plan_digest(rows: Sequence[PlanRow]) -> str:
    """A short fingerprint of the plan: a new one is observed only when it changed."""
    text = "\n".join(f"{r.partition_key}|{r.refreshes_per_month}|{r.next_refresh_at}|"
                     f"{r.plan_budget_credits}" for r in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def plan_table(rows: Sequence[PlanRow], due: set[str], limit: int = SHOWN) -> str:
    """Markdown: the planned targets, soonest next refresh first."""
    planned = sorted((r for r in rows if r.is_planned),
                     key=lambda r: (r.next_refresh_at, r.partition_key))
    lines = ["| target | next refresh | every (days) | expected changes / refresh | "
             "changes / day | credits / month |", "|---|---|---|---|---|---|"]
    for r in planned[:limit]:
        rate = "-" if r.rate_per_day is None else f"{r.rate_per_day:.2f}"
        if r.rate_is_lower_bound:
            rate += " (at least)"
        when = _when(r.next_refresh_at) + (" (due)" if r.partition_key in due else "")
        expected = ("-" if r.expected_changes_per_refresh is None
                    else f"{r.expected_changes_per_refresh:.1f}")
        lines.append(f"| {r.partition_key} | {when} | {r.refresh_interval_days:.1f} | "
                     f"{expected} | {rate} | {r.credits_per_month} |")
    if len(planned) > limit:
        lines.append(f"\n... and {len(planned) - limit} more targets: query the "
                     f"`refresh_plan` table of the warehouse")
    return "\n".join(lines)


def expected_total(planned: Sequence[PlanRow]) -> float | None:
    """The planned targets' expected changes a month; None while no rate is known."""
    known = [r.expected_changes_per_month for r in planned
             if r.expected_changes_per_month is not None]
    return round(sum(known), 1) if known else None


def plan_metadata(rows: Sequence[PlanRow], due: Sequence[str]) -> dict:
    planned = [r for r in rows if r.is_planned]
    first = rows[0]
    return {
        "credits_planned_this_month": first.plan_credits_per_month,
        "monthly_budget_credits": first.plan_budget_credits,
        "budget_source": first.plan_budget_source,
        "over_budget": first.plan_over_budget,
        "targets_planned": len(planned),
        "targets_not_planned": len(rows) - len(planned),
        "targets_due": len(due),
        # None until some target has two snapshots: no change is claimed before one is seen.
        "expected_changes_this_month": expected_total(planned),
        "plan": dg.MetadataValue.md(plan_table(rows, set(due))),
    }
