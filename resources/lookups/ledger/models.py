"""The ledger's values: a row, what ``acquire`` decided, and the budget refusal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

from resources.nyne.settings import CREDITS_PER_LOOKUP

MAX_LOOKUP_CREDITS = CREDITS_PER_LOOKUP  # a claim reserves the most a lookup can cost


class CreditBudgetExceeded(Exception):
    """A lookup refused before its submit: it could take the run past its credit budget."""

    def __init__(self, *, target: str, run_id: str, budget: int, committed: int,
                 setting: str = "nyne.credit_budget_per_run") -> None:
        self.target, self.run_id, self.budget, self.committed = target, run_id, budget, committed
        super().__init__(
            f"credit budget exceeded: the lookup of {target} was not submitted; it may cost "
            f"{MAX_LOOKUP_CREDITS} credits and run {run_id} has already spent or reserved "
            f"{committed} of its budget of {budget} (raise {setting}, which set it, "
            f"or collect fewer targets per run)"
        )


@dataclass(frozen=True)
class Entry:
    """One row of the ledger."""

    id: int
    lookup_key: str
    target: str
    params: dict[str, Any]
    state: str
    request_id: Optional[str]
    run_id: Optional[str]
    owner: Optional[str]
    claimed_at: datetime
    submitted_at: Optional[datetime]
    credits: Optional[int]
    error: Optional[str]

    @classmethod
    def from_row(cls, row: Any) -> "Entry":
        m = row._mapping
        return cls(m["id"], m["lookup_key"], m["target"], json.loads(m["params"]), m["state"],
                   m["request_id"], m["run_id"], m["owner"], _aware(m["claimed_at"]),
                   _aware(m["submitted_at"]), m["credits"], m["error"])


@dataclass(frozen=True)
class Acquired:
    """What ``acquire`` decided. ``action``: submit (the row is our claim), resume (poll its
    request), reuse (its result is landed), or wait (another live process is submitting)."""

    action: str
    entry: Entry


def _aware(value: Optional[datetime]) -> Optional[datetime]:
    """SQLite gives naive datetimes back: they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
