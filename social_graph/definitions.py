"""The code location: every asset, job, sensor, schedule and resource, assembled once.

``workspace.yaml`` loads ``defs`` from here. It sits above every layer it assembles
(``resources`` -> ``social_assets`` -> ``sensors`` -> here), so none of them imports it.
Nothing here touches the network; the dbt
manifest must exist (``make`` runs ``dbt parse``; under ``dagster dev`` a stale one is parsed
again on load: ``social_assets.dbt_project``).
"""

import os

import dagster as dg
from resources.dbt_cli import WarehouseDbtCli

from resources.lookups.ledger.resource import LedgerResource
from resources.nyne_api import NyneApi
from resources.postgres import PostgresWarehouse
from resources.settings import resolve_dbt_target
from resources.storage import SocialStorage
from resources.target_list import TargetListResource
from sensors.adaptive_refresh import BUDGET_ENV, adaptive_refresh_sensor
from sensors.refresh import DEFAULT_REFRESH_CRON, refresh_schedules
from sensors.target_list import target_list_sensor
from sensors.warehouse import warehouse_sensor
from social_assets.accounts import account_edges
from social_assets.dbt_project import DBT_EXECUTABLE, dbt_project
from social_assets.expansion.asset import build_expansion_proposal
from social_assets.export.asset import social_graph_export
from social_assets.export.private_asset import social_graph_private_export
from social_assets.jobs import (accounts_job, posts_job, private_export_job,
                                warehouse_full_refresh_job, warehouse_job)
from social_assets.manifest import snapshot_manifest
from social_assets.posts import repliers
from social_assets.postgres_raw import postgres_raw
from social_assets.warehouse import build_dbt_assets


def build_definitions(refresh_cron: str | None = None,
                      dbt_target: str | None = None,
                      adaptive_refresh: bool | None = None) -> dg.Definitions:
    # A schedule's cron is part of its definition, and the dbt target decides which assets
    # exist (the PostgreSQL loader), so both are read when the code location loads; the runs
    # get that same target through the storage resource.
    cron = refresh_cron or os.environ.get("SOCIAL_REFRESH_CRON") or DEFAULT_REFRESH_CRON
    target = resolve_dbt_target(dbt_target)
    # A monthly credit budget turns on the adaptive refresh of accounts (the plan in the
    # warehouse decides when each is looked up again), in place of their weekly schedule.
    adaptive = (bool(os.environ.get(BUDGET_ENV, "").strip()) if adaptive_refresh is None
                else adaptive_refresh)
    assets = [account_edges, repliers, snapshot_manifest, build_dbt_assets(target),
              social_graph_export, social_graph_private_export,
              # Opt-in: in no job a sensor or schedule launches; an operator materializes it.
              build_expansion_proposal(cron)]
    if target == "postgres":
        assets.append(postgres_raw)
    return dg.Definitions(
        assets=assets,
        jobs=[accounts_job, posts_job, warehouse_job, warehouse_full_refresh_job,
              private_export_job],
        sensors=[target_list_sensor, warehouse_sensor,
                 *([adaptive_refresh_sensor] if adaptive else [])],
        schedules=refresh_schedules(cron, adaptive_accounts=adaptive),
        # Every step of a run in the run's own process: each of our runs is one step (a
        # collection) or two in a row (dbt, then the export), so a step process per step would
        # only double the start-up cost (importing the code location again) of every run.
        executor=dg.in_process_executor,
        resources={
            # The credentials come from $NYNE_API_KEY/$NYNE_API_SECRET when a run starts, never
            # from config: any other setting may be given in run config without them.
            "nyne": NyneApi(),
            "storage": SocialStorage(dbt_target=target),
            "ledger": LedgerResource(),
            "target_list": TargetListResource(),
            "dbt": WarehouseDbtCli(project_dir=dbt_project, target=target,
                                   dbt_executable=DBT_EXECUTABLE),
            "postgres": PostgresWarehouse(),
        },
    )


defs = build_definitions()
