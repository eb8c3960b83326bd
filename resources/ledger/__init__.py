"""The request ledger: which lookups were paid for, and what became of them (no Dagster here)."""

from .db import LEDGER_URL_ENV, default_url, describe, engine_for
from .ledger import (ACTIVE, CreditBudgetExceeded, Entry, RequestLedger, lookup_key)

__all__ = ["ACTIVE", "CreditBudgetExceeded", "Entry", "LEDGER_URL_ENV", "RequestLedger",
           "default_url", "describe", "engine_for", "lookup_key"]
