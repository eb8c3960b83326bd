"""``followers`` and ``following``: who follows a target account, and whom it follows.

One subsettable multi-asset, partitioned by account. When both assets are selected for a
partition it makes ONE ``followers,following`` lookup (3 credits, not 6); when one is selected,
that type alone. Polling is free; an empty result costs 0 credits.
"""

import dagster as dg

from resources.ledger.resource import LedgerResource
from resources.nyne import LookupRequest
from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from social_assets.lookups import API_POOL, collect_partitions, materialization_events
from social_assets.parquet import COLUMN_DESCRIPTIONS, EDGE_SCHEMA, column_schema
from social_assets.partitions import ACCOUNTS
from social_assets.targets import parse_partition_key

def _spec(name: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        name,
        partitions_def=ACCOUNTS,
        group_name="nyne_raw",
        kinds={"parquet", "python"},
        description=description,
        metadata={"dagster/column_schema": column_schema(EDGE_SCHEMA, COLUMN_DESCRIPTIONS)},
    )


@dg.multi_asset(
    specs=[
        _spec("followers", "Accounts that follow the target account: one Parquet snapshot per "
                           "lookup under raw/followers/platform=<p>/target=<handle>/."),
        _spec("following", "Accounts the target account follows: one Parquet snapshot per "
                           "lookup under raw/following/platform=<p>/target=<handle>/."),
    ],
    can_subset=True,
    pool=API_POOL,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
async def account_edges(context: dg.AssetExecutionContext, nyne: NyneApi, ledger: LedgerResource,
                        storage: SocialStorage):
    """Looks up the selected relationship lists of every account in the run.

    Cost: 3 credits per account with a non-empty result, whether one list or both were asked.
    A lookup already paid for (by a crashed or failed earlier attempt) is resumed, not bought
    again.
    """
    wanted = sorted(key.path[-1] for key in context.selected_asset_keys)
    interaction_type = ",".join(wanted)  # "followers", "following" or "followers,following"

    def request_for(key: str) -> LookupRequest:
        platform, username = parse_partition_key(ACCOUNTS.name, key)
        return LookupRequest(platform=platform, interaction_type=interaction_type,
                             username=username, max_results=nyne.max_results)

    collected = await collect_partitions(context, nyne, ledger, storage, request_for)
    for event in materialization_events(context, collected):
        yield event
