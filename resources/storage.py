"""Where the project's data lives: the data dir, the warehouse and the dbt target of a run.

The rules (config, else environment, else default) are ``resources.settings``'s; the data dir
may be a local folder or an object store URL (``s3://bucket/prefix``, ``resources.datadir``).
"""

from pathlib import Path
from typing import Optional

import dagster as dg
from pydantic import Field

from resources.datadir import DataPath, check_reachable
from resources.settings import DATA_DIR_ENV, Settings


class SocialStorage(dg.ConfigurableResource):
    """The data directory (raw Parquet snapshots under ``<data_dir>/raw/<asset>/``, the landing
    archive, the ledger), the DuckDB warehouse file, and the dbt target the code location was
    loaded for. Explicit config wins; otherwise each is read when a run starts (never at import).
    """

    data_dir: Optional[str] = Field(
        default=None,
        description="Root of the data directory: a local folder, or a URL such as "
        "s3://bucket/prefix (credentials from the store's environment, never in the URL). "
        "Default: $SOCIAL_DATA_DIR, else ./data.",
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
    state_dir: Optional[str] = Field(
        default=None,
        description="A local folder for what cannot live on object storage (dbt's build "
        "folder, the build lock, the docs). Default: $SOCIAL_STATE_DIR, else the data dir "
        "when local, else the warehouse's folder.",
    )

    def settings(self) -> Settings:
        return Settings.resolve(data_dir=self.data_dir, warehouse_path=self.warehouse_path,
                                dbt_target=self.dbt_target, state_dir=self.state_dir)

    def root(self) -> DataPath:
        """The data dir: a local ``Path``, or a ``UPath`` on object storage."""
        return self.settings().data_dir

    def check(self) -> DataPath:
        """The data dir, once its store answered (bucket there, credentials, endpoint): called
        when a run starts, before any paid API call; ``ValueError`` naming what is wrong."""
        root = self.root()
        check_reachable(root, "the data dir" if self.data_dir else f"${DATA_DIR_ENV}")
        return root

    def warehouse(self) -> Path:
        """The DuckDB warehouse file."""
        return self.settings().warehouse_path

    def raw_dir(self, asset_name: str) -> DataPath:
        """``<root>/raw/<asset_name>``: one folder per raw asset (followers, following, repliers)."""
        return self.settings().raw_dir(asset_name)
