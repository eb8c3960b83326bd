"""What an accepted target costs, and how many credits an expansion may propose.

A new account target is one ``followers,following`` lookup: 3 credits when the lists come back
non-empty, 0 when both are empty (the Nyne API's pricing, /work/shared/nyne-api.md; README
"Pointing at the real API"). The proposal counts the 3 credits, the most it can cost. Each
refresh of it later costs the same again: the refresh schedules look every listed account up on
``$SOCIAL_REFRESH_CRON``, so a target adds ``3 x refreshes per month`` credits a month.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping, Optional

from resources.nyne.settings import CREDITS_PER_LOOKUP
from social_assets.refresh import MONTHLY_CREDITS_ENV

EXPANSION_CREDITS_ENV = "SOCIAL_EXPANSION_CREDITS"
DEFAULT_EXPANSION_CREDITS = 30
"""Without ``--credits`` or ``$SOCIAL_EXPANSION_CREDITS``: ten new accounts' first lookups."""

MONTH_DAYS = 30  # the refresh plan's month (dbt/models/planning), so both speak of one month
# The average over four whole years (one leap day), from a fixed start: the figure does not
# change with the day it is computed, and a weekly cron's 52 or 53 ticks a year average out.
_SPAN_START = datetime(2025, 1, 1, tzinfo=timezone.utc)
_SPAN_DAYS = 1461


class BudgetError(ValueError):
    """A budget or limit that cannot be used; ``str()`` names where it came from and why."""


@dataclass(frozen=True)
class Budget:
    """The credits an expansion may propose to spend on first lookups, and where that came from
    (``--credits``, the asset's config, ``$SOCIAL_EXPANSION_CREDITS`` or the default)."""
    credits: int
    source: str

    @property
    def accounts(self) -> int:
        """How many new accounts' first lookups the budget pays for."""
        return self.credits // CREDITS_PER_LOOKUP


def resolve_budget(explicit: Optional[int] = None, *, source: str = "--credits",
                   environ: Optional[Mapping[str, str]] = None) -> Budget:
    """``explicit`` (named ``source`` in errors), else ``$SOCIAL_EXPANSION_CREDITS``, else
    ``DEFAULT_EXPANSION_CREDITS``; read when called, never at import. ``BudgetError`` for a
    value that is not a whole, non-negative number of credits."""
    if explicit is not None:
        return Budget(_credits(explicit, source), source)
    env = os.environ if environ is None else environ
    text = (env.get(EXPANSION_CREDITS_ENV) or "").strip()
    if text:
        return Budget(_credits(text, f"${EXPANSION_CREDITS_ENV}"), f"${EXPANSION_CREDITS_ENV}")
    return Budget(DEFAULT_EXPANSION_CREDITS, "default")


def check_limit(limit: Optional[int], source: str = "--limit") -> Optional[int]:
    """``limit`` (the most accounts to propose) when it is a positive whole number or None."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise BudgetError(f"{source} must be a whole number of accounts, at least 1; got {limit!r}")
    return limit


def refreshes_per_month(cron: str) -> float:
    """How many times a month (``MONTH_DAYS``) ``cron`` fires, on average, in UTC as the
    refresh schedules run it. ``BudgetError`` naming the cron when it is not one."""
    from dagster._utils.schedules import cron_string_iterator, is_valid_cron_string

    if not is_valid_cron_string(cron):
        raise BudgetError(f"refresh cron {cron!r} is not a valid cron string")
    end = _SPAN_START.timestamp() + _SPAN_DAYS * 86400
    ticks = 0
    for tick in cron_string_iterator(_SPAN_START.timestamp(), cron, "UTC"):
        if tick.timestamp() >= end:
            break
        ticks += 1
    return ticks * MONTH_DAYS / _SPAN_DAYS


def monthly_budget_note(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """With ``$SOCIAL_MONTHLY_CREDITS`` set, what it means for the refresh cost of new targets
    (the adaptive plan spreads that fixed budget over every target); None without it."""
    env = os.environ if environ is None else environ
    monthly = (env.get(MONTHLY_CREDITS_ENV) or "").strip()
    if not monthly:
        return None
    return (f"${MONTHLY_CREDITS_ENV}={monthly} is set: the adaptive refresh plan, not the cron, "
            f"refreshes the accounts within {monthly} credits a month, and new targets share "
            f"that budget (the cron figure is what they would cost without it)")


def _credits(value: object, source: str) -> int:
    if isinstance(value, bool):
        raise BudgetError(f"{source} must be a whole number of credits, got {value!r}")
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise BudgetError(f"{source} must be a whole number of credits (0 or more), "
                              f"got {value!r}")
        value = int(value.strip())
    if not isinstance(value, int) or value < 0:
        raise BudgetError(f"{source} must be a whole number of credits (0 or more), got {value!r}")
    return value
