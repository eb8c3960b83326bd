"""The expansion proposal: the best candidates the credit budget pays for, and what they cost.

Greedy by rank: candidates are taken in the mart's order, each costing one first lookup
(``CREDITS_PER_LOOKUP``), until the next would pass the budget (or ``limit`` accounts are
taken). Candidates already in the target list (accepted, not collected yet) and handles the
target list would reject are passed over. The proposal spends nothing: an operator accepts
rows of it (``select``) into the target list, and only then does the sensor collect them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from .budget import CREDITS_PER_LOOKUP, Budget, refreshes_per_month
from .candidates import Candidate


class AcceptError(ValueError):
    """An ``--accept`` value that names no row of the proposal; ``str()`` quotes it."""


@dataclass(frozen=True)
class Proposal:
    """The proposed candidates (in rank order, numbered 1.. as ``row numbers``), the budget,
    and the refresh cost they add on ``refresh_cron``."""
    rows: tuple[Candidate, ...]
    budget: Budget
    refresh_cron: str
    limit: Optional[int] = None
    already_listed: int = 0
    invalid_handles: tuple[str, ...] = ()
    left_out: tuple[Candidate, ...] = field(default=(), repr=False)
    """The next candidates the budget or limit left out, best first (a few, for messages)."""

    @property
    def credits_proposed(self) -> int:
        """What collecting every proposed row once costs, at most (empty lists cost 0)."""
        return len(self.rows) * CREDITS_PER_LOOKUP

    @property
    def monthly_refresh_credits_each(self) -> float:
        """What each accepted target adds a month in refreshes on ``refresh_cron``."""
        return CREDITS_PER_LOOKUP * refreshes_per_month(self.refresh_cron)

    def monthly_refresh_credits(self, count: Optional[int] = None) -> float:
        return self.monthly_refresh_credits_each * (len(self.rows) if count is None else count)

    def summary(self) -> str:
        """One line: ``3 accounts, 9 of 30 credits (budget: default); +38.4 credits a month``."""
        return (f"{len(self.rows)} account{'' if len(self.rows) == 1 else 's'} proposed, "
                f"{self.credits_proposed} of {self.budget.credits} credits budgeted "
                f"(budget: {self.budget.source}); their refreshes on {self.refresh_cron!r} "
                f"would add {self.monthly_refresh_credits():.1f} credits a month")

    def select(self, spec: str) -> list[Candidate]:
        """The rows ``spec`` names: ``all``, row numbers ``1,3``, or handles (``tw_x``,
        ``ig_y``, ``@x`` or ``x``) of proposed rows, in proposal order; ``AcceptError`` naming
        each value that names no row."""
        values = [v.strip() for v in spec.split(",")]
        if not spec.strip() or not all(values):
            raise AcceptError(f"--accept {spec!r}: expected all, row numbers (1,3) or handles "
                              f"(tw_janedoe,@other), separated by commas")
        if values == ["all"]:
            return list(self.rows)
        chosen: dict[int, Candidate] = {}
        for value in values:
            index = self._index(value)
            chosen.setdefault(index, self.rows[index])
        return [chosen[i] for i in sorted(chosen)]

    def _index(self, value: str) -> int:
        if value.isdigit():
            number = int(value)
            if not 1 <= number <= len(self.rows):
                raise AcceptError(f"--accept {value!r}: the proposal has rows 1 to "
                                  f"{len(self.rows)}" if self.rows else
                                  f"--accept {value!r}: the proposal is empty")
            return number - 1
        handle = value.lower().removeprefix("@")
        matches = [i for i, row in enumerate(self.rows)
                   if row.partition_key == handle or row.username == handle]
        if len(matches) > 1:
            raise AcceptError(f"--accept {value!r} names @{handle} on "
                              f"{' and '.join(self.rows[i].platform for i in matches)}: give "
                              f"{' or '.join(self.rows[i].partition_key for i in matches)}")
        if not matches:
            later = next((c for c in self.left_out
                          if handle in (c.partition_key, c.username)), None)
            if later is not None:
                raise AcceptError(f"--accept {value!r}: {later.partition_key} is candidate "
                                  f"#{later.rank} but outside this proposal ({self.budget.credits} "
                                  f"credits{f', {self.limit} accounts' if self.limit else ''}); "
                                  f"raise --credits to propose it")
            raise AcceptError(f"--accept {value!r}: no proposed account has that handle "
                              f"(unknown handle)")
        return matches[0]


def propose(candidates: Iterable[Candidate], budget: Budget, *, refresh_cron: str,
            limit: Optional[int] = None, listed: Iterable[str] = ()) -> Proposal:
    """The best ``candidates`` (in rank order) whose first lookups fit ``budget``, at most
    ``limit`` of them, leaving out partition keys already ``listed`` in the target list."""
    listed = set(listed)
    rows: list[Candidate] = []
    left_out: list[Candidate] = []
    already, invalid = 0, []
    for candidate in candidates:
        key = candidate.partition_key
        if key is None:
            invalid.append(f"{candidate.username} on {candidate.platform}")
            continue
        if key in listed:
            already += 1
            continue
        full = (len(rows) + 1) * CREDITS_PER_LOOKUP > budget.credits or \
            (limit is not None and len(rows) >= limit)
        if full:
            left_out.append(candidate)
            if len(left_out) >= 100:
                break
            continue
        rows.append(candidate)
    return Proposal(tuple(rows), budget, refresh_cron, limit, already, tuple(invalid),
                    tuple(left_out))
