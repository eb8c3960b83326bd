"""The jobs that sensors and schedules launch: one per partition set."""

import dagster as dg
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES

from social_assets.export.private_asset import PRIVATE_EXPORT

IN_FLIGHT = list(NOT_FINISHED_STATUSES)
"""Run statuses of a run that is queued, starting, running or being cancelled: Dagster's own
list, so the sensors that wait for runs agree with the UI on what is in flight."""

ASSETS_BY_COLLECT = {"followers": "followers", "following": "following", "replies": "repliers"}
"""A target row's ``collect`` values and the assets that hold them."""

accounts_job = dg.define_asset_job(
    "accounts_job",
    selection=dg.AssetSelection.assets("followers", "following"),
    description="Followers and/or following of account partitions.",
)
posts_job = dg.define_asset_job(
    "posts_job",
    selection=dg.AssetSelection.assets("repliers"),
    description="Repliers of post partitions.",
)
JOB_BY_PARTITIONS_DEF = {"accounts": accounts_job, "posts": posts_job}

# The private export is in group `exports` but opt-in (it needs $SOCIAL_EXPORT_SALT): only its
# own job runs it, so a build never fails for want of a salt.
_BUILD = (dg.AssetSelection.groups("warehouse", "postgres_raw", "exports")
          - dg.AssetSelection.assets(PRIVATE_EXPORT))

warehouse_job = dg.define_asset_job(
    "warehouse_job",
    selection=_BUILD,
    description="Builds the warehouse (dbt build, and on PostgreSQL the raw load first) and the "
                "graph export from every snapshot collected so far.",
)

warehouse_full_refresh_job = dg.define_asset_job(
    "warehouse_full_refresh_job",
    selection=_BUILD,
    description="The warehouse rebuilt from scratch: every dbt model from all snapshots "
                "(dbt build --full-refresh), then the export. warehouse_job's incremental "
                "builds give the same tables; use this after changing a model's SQL.",
    config={"ops": {"social_graph_dbt": {"config": {"full_refresh": True}}}},
)

private_export_job = dg.define_asset_job(
    "private_export_job",
    selection=dg.AssetSelection.assets(PRIVATE_EXPORT),
    description="The pseudonymous export for sharing (<data>/exports/private/) from the "
                "warehouse as it stands: needs $SOCIAL_EXPORT_SALT; run it after warehouse_job.",
)
