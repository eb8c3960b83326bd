"""``snapshot_manifest``: the raw assets' record of every list they landed, empty or not.

The raw assets write it beside their files (``social_assets.snapshots.write_manifest``): one
row per list a landed lookup returned, saying what was asked (``max_results``), what came back
(rows, the API's ``total_count``), whether the list was cut, and the credits counted once. It
is not materialized on its own (each raw partition writes its rows), so it is an external
asset here: the lineage shows it between the raw assets and dbt's ``stg_nyne__snapshots``.
"""

import dagster as dg

from social_assets.parquet import COLUMN_DESCRIPTIONS, SNAPSHOTS_SCHEMA, column_schema
from social_assets.plan import RAW_ASSETS

snapshot_manifest = dg.AssetSpec(
    "snapshot_manifest",
    deps=list(RAW_ASSETS),
    group_name="nyne_raw",
    kinds={"parquet"},
    description="One row per list a landed lookup returned, empty or not: "
                "<data>/raw/snapshots/<platform>/<target>/<request_id>.parquet. Written by the "
                "followers, following and repliers assets; dbt reads snapshots from it.",
    metadata={"dagster/column_schema": column_schema(SNAPSHOTS_SCHEMA, COLUMN_DESCRIPTIONS)},
)
