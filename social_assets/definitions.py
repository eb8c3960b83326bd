"""The code location: every asset, job, sensor, schedule and resource, assembled once.

``workspace.yaml`` loads ``defs`` from here. Nothing here touches the network; the dbt
manifest must exist (``make`` runs ``dbt parse``; ``dagster dev`` parses on load).
"""

import os
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from resources.ledger.resource import LedgerResource
from resources.nyne_api import NyneApi
from resources.postgres import PostgresWarehouse
from resources.storage import SocialStorage
from resources.target_list import TargetListResource
from sensors.refresh import DEFAULT_REFRESH_CRON, refresh_schedules
from sensors.target_list import target_list_sensor
from social_assets.accounts import account_edges
from social_assets.dbt_project import DBT_TARGET, dbt_project
from social_assets.export.asset import social_graph_export
from social_assets.jobs import accounts_job, posts_job, warehouse_job
from social_assets.posts import repliers
from social_assets.postgres_raw import postgres_raw
from social_assets.warehouse import social_graph_dbt

# Rebuilds the warehouse when new snapshots land (the models' automation conditions).
automation_sensor = dg.AutomationConditionSensorDefinition(
    "warehouse_automation_sensor",
    target=dg.AssetSelection.groups("warehouse", "postgres_raw", "exports"),
    description="Rebuilds the dbt models (and the export) after new raw snapshots land.",
)


def build_definitions(refresh_cron: str | None = None) -> dg.Definitions:
    # A schedule's cron is part of its definition, so it is read when the code location loads.
    cron = refresh_cron or os.environ.get("SOCIAL_REFRESH_CRON") or DEFAULT_REFRESH_CRON
    assets = [account_edges, repliers, social_graph_dbt, social_graph_export]
    if DBT_TARGET == "postgres":
        assets.append(postgres_raw)
    return dg.Definitions(
        assets=assets,
        jobs=[accounts_job, posts_job, warehouse_job],
        sensors=[target_list_sensor, automation_sensor],
        schedules=refresh_schedules(cron),
        resources={
            # Secrets come from the environment when a run starts; the UI shows only the names.
            "nyne": NyneApi(api_key=dg.EnvVar("NYNE_API_KEY"),
                            api_secret=dg.EnvVar("NYNE_API_SECRET")),
            "storage": SocialStorage(),
            "ledger": LedgerResource(),
            "target_list": TargetListResource(),
            "dbt": DbtCliResource(project_dir=dbt_project, target=DBT_TARGET,
                                  # this venv's dbt, never another one found on PATH
                                  dbt_executable=str(Path(sys.executable).with_name("dbt"))),
            "postgres": PostgresWarehouse(),
        },
    )


defs = build_definitions()
