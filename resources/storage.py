"""Where the project's data lives: the data dir, the warehouse and the dbt target of a run.

The rules (config, else environment, else default) are ``resources.settings``'s.
"""

from pathlib import Path
from typing import Optional

import dagster as dg
from pydantic import Field

from resources.settings import Settings


class SocialStorage(dg.ConfigurableResource):
    """The data directory (raw Parquet snapshots under ``<data_dir>/raw/<asset>/``, the landing
    archive, the ledger), the DuckDB warehouse file, and the dbt target the code location was
    loaded for. Explicit config wins; otherwise each is read when a run starts (never at import).
    """

    data_dir: Optional[str] = Field(
        default=None,
        description="Root of the data directory. Default: $SOCIAL_DATA_DIR, else ./data.",
    )
    warehouse_path: Optional[str] = Field(
        default=None,
        description="The DuckDB warehouse file. Default: $SOCIAL_WAREHOUSE, else "
        "<data dir>/warehouse.duckdb.",
    )
    dbt_target: Optional[str] = Field(
        default=None,
        description="duckdb or postgres; the code location sets it to the target it loaded "
        "with. Default: $SOCIAL_DBT_TARGET, else duckdb.",
    )

    def settings(self) -> Settings:
        return Settings.resolve(data_dir=self.data_dir, warehouse_path=self.warehouse_path,
                                dbt_target=self.dbt_target)

    def root(self) -> Path:
        return self.settings().data_dir

    def warehouse(self) -> Path:
        """The DuckDB warehouse file."""
        return self.settings().warehouse_path

    def raw_dir(self, asset_name: str) -> Path:
        """``<root>/raw/<asset_name>``: one folder per raw asset (followers, following, repliers)."""
        return self.settings().raw_dir(asset_name)
