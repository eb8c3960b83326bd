"""The request ledger: which lookups were paid for, and what became of them (no Dagster here)."""

from .db import describe, engine_for
from .ledger import (ACTIVE, CreditBudgetExceeded, Entry, RequestLedger, lookup_key)

__all__ = ["ACTIVE", "CreditBudgetExceeded", "Entry", "RequestLedger", "describe", "engine_for", "lookup_key"]
