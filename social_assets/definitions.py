"""The code location: every asset, job, sensor, schedule and resource, assembled once.

``workspace.yaml`` loads ``defs`` from here. Nothing here touches the network or the disk.
"""

import os

import dagster as dg

from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from resources.target_list import TargetListResource
from sensors.refresh import DEFAULT_REFRESH_CRON, refresh_schedules
from sensors.target_list import target_list_sensor
from social_assets.accounts import account_edges
from social_assets.jobs import accounts_job, posts_job
from social_assets.posts import repliers


def build_definitions(refresh_cron: str | None = None) -> dg.Definitions:
    # A schedule's cron is part of its definition, so it is read when the code location loads.
    cron = refresh_cron or os.environ.get("SOCIAL_REFRESH_CRON") or DEFAULT_REFRESH_CRON
    return dg.Definitions(
        assets=[account_edges, repliers],
        jobs=[accounts_job, posts_job],
        sensors=[target_list_sensor],
        schedules=refresh_schedules(cron),
        resources={
            # Secrets come from the environment when a run starts; the UI shows only the names.
            "nyne": NyneApi(api_key=dg.EnvVar("NYNE_API_KEY"),
                            api_secret=dg.EnvVar("NYNE_API_SECRET")),
            "storage": SocialStorage(),
            "target_list": TargetListResource(),
        },
    )


defs = build_definitions()
