"""Where the project's data lives on disk: ``$SOCIAL_DATA_DIR`` (default ``./data``)."""

import os
from pathlib import Path
from typing import Optional

import dagster as dg
from pydantic import Field

DEFAULT_DATA_DIR = "data"


class SocialStorage(dg.ConfigurableResource):
    """The data directory: raw Parquet snapshots go under ``<data_dir>/raw/<asset>/``.

    Explicit config wins; otherwise ``SOCIAL_DATA_DIR`` is read when a run starts (never at
    import), falling back to ``./data`` relative to the working directory.
    """

    data_dir: Optional[str] = Field(
        default=None,
        description="Root of the data directory. Default: $SOCIAL_DATA_DIR, else ./data.",
    )

    def root(self) -> Path:
        configured = self.data_dir or os.environ.get("SOCIAL_DATA_DIR") or DEFAULT_DATA_DIR
        return Path(configured).expanduser().resolve()

    def warehouse_path(self) -> Path:
        """The DuckDB warehouse: ``$SOCIAL_WAREHOUSE``, else ``<root>/warehouse.duckdb`` (the same
        rule as the dbt profile's)."""
        configured = os.environ.get("SOCIAL_WAREHOUSE")
        return Path(configured).expanduser().resolve() if configured else self.root() / "warehouse.duckdb"

    def raw_dir(self, asset_name: str) -> Path:
        """``<root>/raw/<asset_name>``: one folder per raw asset (followers, following, repliers)."""
        return self.root() / "raw" / asset_name
