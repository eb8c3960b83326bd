"""Where the rate limiter keeps its windows: one budget per API account (see ``store``)."""

from .opening import LOCAL, open_store
from .store import Grant, LocalStore, RateStore, RateStoreError, account_key

__all__ = ["Grant", "LOCAL", "LocalStore", "RateStore", "RateStoreError", "account_key",
           "open_store"]
