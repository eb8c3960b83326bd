"""``social-graph expand``: the audience expansion proposal, and accepting rows of it.

    social-graph expand                      # the proposal within $SOCIAL_EXPANSION_CREDITS (30)
    social-graph expand --credits 60 --limit 10
    social-graph expand --accept all         # or --accept 1,3  or --accept tw_name,@other

The proposal comes from the warehouse's ``expansion_candidates`` mart, read-only (the DuckDB
file or PostgreSQL, as ``$SOCIAL_DBT_TARGET`` says), within the budget: each proposed account
costs one first lookup (3 credits) and adds its refreshes on ``$SOCIAL_REFRESH_CRON``. Printing
it spends nothing. ``--accept`` appends the chosen rows to the target list (``--targets``, else
``$SOCIAL_TARGETS_FILE``, else ./targets.yaml), keeping the file's bytes above them; the target
list sensor then collects them on its next tick, and that is when credits are spent.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("expand", help="propose the next targets within a credit "
                                                  "budget; --accept adds them to the list")
    parser.add_argument("--credits", type=_whole, metavar="N",
                        help="credits the proposal may spend on first lookups, 3 per account "
                             "(default: $SOCIAL_EXPANSION_CREDITS, else 30)")
    parser.add_argument("--limit", type=_whole, metavar="N", help="the most accounts to propose")
    parser.add_argument("--targets", help="target list file (default: $SOCIAL_TARGETS_FILE, "
                                          "else ./targets.yaml)")
    parser.add_argument("--accept", metavar="all|N,M|HANDLE,...",
                        help="append these rows of the proposal to the target list: all, row "
                             "numbers, or handles (tw_name, ig_name, @name)")
    return parser


def run(args: argparse.Namespace) -> int:
    from resources.settings import Settings
    from resources.target_list import TargetListResource, resolve_targets_path
    from sensors.refresh import DEFAULT_REFRESH_CRON
    from social_assets.expansion.asset import listed_account_keys
    from social_assets.expansion.budget import (CREDITS_PER_LOOKUP, BudgetError, check_limit,
                                                monthly_budget_note, resolve_budget)
    from social_assets.expansion.candidates import CandidatesMissing, load_candidates
    from social_assets.expansion.files import text_table
    from social_assets.expansion.proposal import AcceptError, propose
    from social_assets.expansion.target_file import AppendError, append_accepted
    from social_assets.export.connection import WarehouseNotFound, connect_warehouse

    cron = os.environ.get("SOCIAL_REFRESH_CRON") or DEFAULT_REFRESH_CRON  # as definitions.py
    try:
        settings = Settings.resolve()
        budget = resolve_budget(args.credits)
        limit = check_limit(args.limit)
    except ValueError as exc:  # BudgetError is one
        return _error(str(exc))
    try:
        with connect_warehouse(settings) as conn:
            candidates = load_candidates(conn)
    except (WarehouseNotFound, CandidatesMissing) as exc:
        return _error(str(exc))
    except Exception as exc:  # PostgreSQL unreachable, no such database (psycopg2's errors)
        if settings.dbt_target != "postgres":
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        return _error(f"cannot read the PostgreSQL warehouse ($SOCIAL_PG_HOST, _PORT, _DB): "
                      f"{type(exc).__name__}: {first}")
    path = resolve_targets_path(args.targets)
    listed = listed_account_keys(TargetListResource(path=str(path)), _Warn())
    try:
        proposal = propose(candidates, budget, refresh_cron=cron, limit=limit, listed=listed)
        summary = proposal.summary()
    except BudgetError as exc:  # a $SOCIAL_REFRESH_CRON that is no cron
        return _error(f"$SOCIAL_REFRESH_CRON: {exc}")
    where = settings.warehouse_path if settings.dbt_target == "duckdb" else "postgres"
    print(f"warehouse: {where} ({len(candidates)} candidates)\ntarget list: {path}")
    if proposal.already_listed:
        print(f"left out: {proposal.already_listed} candidate(s) already in the target list")
    if proposal.rows:
        print("\n".join(text_table(proposal)))
    print(summary)
    if args.accept is None:
        if proposal.rows:
            print("nothing is collected until accepted: social-graph expand --accept all "
                  "(or row numbers 1,3, or handles)")
        return 0
    try:
        chosen = proposal.select(args.accept)
        today = datetime.now(timezone.utc).date().isoformat()
        result = append_accepted(path, chosen, accepted_on=today)
    except (AcceptError, AppendError) as exc:
        return _error(str(exc))
    for row in result.already_listed:
        print(f"already in the target list, not appended: {row.partition_key}")
    if not result.appended:
        print(f"appended nothing to {path}")
        return 0
    count = len(result.appended)
    print(f"appended {count} row(s) to {path}: "
          f"{', '.join(c.partition_key for c in result.appended)}")
    print(f"cost: the target list sensor collects them on its next tick, up to "
          f"{CREDITS_PER_LOOKUP * count} credits (one followers,following lookup each, 0 if "
          f"empty); their "
          f"refreshes on {cron!r} add {proposal.monthly_refresh_credits(count):.1f} credits a "
          f"month")
    note = monthly_budget_note()
    if note:
        print(note)
    return 0


class _Warn:
    """A ``log`` for ``listed_account_keys`` that prints its warning."""

    def warning(self, message: str) -> None:
        print(f"warning: {message}", file=sys.stderr)


def _whole(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    return int(text)


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
