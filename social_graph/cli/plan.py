"""``social-graph plan``: the adaptive refresh plan, as the warehouse's ``refresh_plan`` has it.

    social-graph plan             # the budget, the credits planned and spent this month, the
                                  # next refreshes (soonest first), which are due now
    social-graph plan --limit 100

Read-only (DuckDB or PostgreSQL, whichever the warehouse is): it never blocks a build, and it
never requests anything; the adaptive refresh sensor does, when ``$SOCIAL_MONTHLY_CREDITS`` is
set. Spent this month is what the request ledger shows since the month began (UTC).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import TextIO


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("plan", help="show the adaptive refresh plan (read-only)")
    parser.add_argument("--limit", type=int, default=25, help="refreshes shown (soonest first)")
    return parser


def run(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    from resources.lookups.ledger.resource import LedgerResource
    from resources.settings import Settings
    from sensors.adaptive_refresh import BUDGET_ENV, month_start
    from social_assets.refresh.plan_rows import PlanUnavailable, due_partitions, read_plan
    from social_assets.refresh.summary import expected_total, plan_table

    stdout = stdout or sys.stdout
    if args.limit < 1:
        print(f"error: --limit must be at least 1, got {args.limit}", file=sys.stderr)
        return 2
    try:
        settings = Settings.resolve()
        plan = read_plan(settings)
    except (ValueError, PlanUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not plan:
        print("the plan is empty: no account target has been collected yet", file=stdout)
        return 0
    now = datetime.now(timezone.utc)
    spent = LedgerResource().open(settings.data_dir).credits_since(month_start(now))
    due = due_partitions(plan, now)
    first = plan[0]
    planned = [r for r in plan if r.is_planned]
    source = ("$" + BUDGET_ENV if first.plan_budget_source == "monthly_credits"
              else f"the weekly cron's spend (${BUDGET_ENV} unset: no adaptive refresh)")
    print(f"budget: {first.plan_budget_credits} credits a month ({source})", file=stdout)
    expected = expected_total(planned)
    changes = (f"{expected:.0f} expected changes" if expected is not None
               else "no rate known yet (shared by list size until targets have two snapshots)")
    print(f"planned: {first.plan_credits_per_month} credits a month on {len(planned)} targets, "
          f"{changes}"
          + (" (over budget: the ceiling alone costs more)" if first.plan_over_budget else ""),
          file=stdout)
    print(f"spent this month: {spent} credits; due now: {len(due)} targets", file=stdout)
    print(plan_table(plan, set(due), limit=args.limit), file=stdout)
    return 0
