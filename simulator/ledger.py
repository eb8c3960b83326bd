"""The account's credits: what was charged, for which job, and what is left.

Contract (provider's pricing): a job that completes with a non-empty result costs
`credit_cost` (3) credits, once, whatever its type, so a `followers,following` lookup costs 3;
an empty result, a failed job and every poll cost 0. A submit needs a positive balance
(checked by the caller); the charge at completion is taken in full even if it takes the
balance below zero (choice: the provider does not say), and `available` then reads 0.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.config import SimulatorConfig


@dataclass(frozen=True)
class Charge:
    request_id: str
    credits: int
    platform: str
    interaction_type: str
    target: str  # username, or tweet id for replies
    at: float  # time.time() of the charge


class Ledger:
    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config  # live: initial_credits may change
        self._charges: list[Charge] = []
        self._submits = 0
        self._lock = threading.Lock()

    def charge(self, charge: Charge) -> None:
        with self._lock:
            self._charges.append(charge)

    def count_submit(self) -> None:
        """One accepted lookup, for /usage's `requests_count`."""
        with self._lock:
            self._submits += 1

    @property
    def charges(self) -> list[Charge]:
        with self._lock:
            return list(self._charges)

    @property
    def credits_used(self) -> int:
        with self._lock:
            return sum(c.credits for c in self._charges)

    @property
    def requests_count(self) -> int:
        return self._submits

    @property
    def available(self) -> int:
        return max(0, self._config.initial_credits - self.credits_used)
