"""The Dagster resource for the request ledger (and the callback inbox in the same database)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import dagster as dg
from pydantic import Field

from resources.datadir import data_path
from resources.settings import LEDGER_URL_ENV, resolve_ledger_url

from .db import describe
from .ledger import RequestLedger

if TYPE_CHECKING:
    from resources.datadir import DataPath


class LedgerResource(dg.ConfigurableResource):
    """Where the ledger of paid lookups lives: SQLite in the data directory by default, or any
    SQLAlchemy URL (``postgresql://user@host:5432/db``) shared by every run and the receiver."""

    url: Optional[str] = Field(
        default=None,
        description=f"SQLAlchemy URL of the ledger. Unset: ${LEDGER_URL_ENV} at run time, else "
        "sqlite:///<data dir>/ledger.sqlite. Use dg.EnvVar if it holds a password.",
    )
    request_ttl_s: float = Field(
        default=86400.0, gt=0,
        description="How long a submitted request is resumed rather than submitted again (s).",
    )  # fmt: skip
    claim_timeout_s: float = Field(
        default=900.0, gt=0,
        description="A claim whose process is on another host and silent this long is taken over (s).",
    )  # fmt: skip

    reuse_window_s: float = Field(
        default=0.0, ge=0,
        description="A run that is not a refresh also takes a result another run landed up to "
        "this long before it was created (s). Results landed after it was created are always "
        "taken: a run queued behind another that bought the same lookup pays nothing.",
    )  # fmt: skip

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            yield name, (describe(value) if name == "url" and value else value)

    def resolved_url(self, data_root: "DataPath") -> str:
        """``url``, else ``$SOCIAL_LEDGER_URL``, else SQLite in the (local) data dir."""
        return resolve_ledger_url(data_path(data_root, "the data dir"), self.url)

    def open(self, data_root: "DataPath") -> RequestLedger:
        return RequestLedger(self.resolved_url(data_root), ttl_s=self.request_ttl_s,
                             claim_timeout_s=self.claim_timeout_s)
