"""``followers`` and ``following``: who follows a target account, and whom it follows.

One multi-asset, partitioned by account, and not subsettable: one ``followers,following``
lookup buys both lists for 3 credits, the price of one, so materializing either (the UI's
Materialize on the ``followers`` page, a backfill, the sensor) looks both up together. In a
run the sensor or a schedule launched, a target whose row in the target list collects a single
list (``collect: [followers]``) gets a lookup of that list alone, and only that asset is
recorded for its partition. Accounts that the list does not name (registered by hand, or
removed since) get both. A backfill gets both for every account: it asked Dagster for both
assets of each partition, and Dagster would count the one not recorded as failed; the pair
costs what one list costs. Polling is free; an empty result costs 0 credits.
"""

import dagster as dg
from dagster._core.storage.tags import BACKFILL_ID_TAG

from resources.lookups.ledger.resource import LedgerResource
from resources.nyne import LookupRequest
from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from resources.target_list import TargetListResource
from social_assets.lookups import API_POOL, collect_partitions
from social_assets.parquet import COLUMN_DESCRIPTIONS, EDGE_SCHEMA, column_schema
from social_assets.partitions import ACCOUNTS
from social_assets.plan import listed_assets
from social_assets.raw_checks import check_specs
from social_assets.targets import parse_partition_key

LISTS = ("followers", "following")


def _spec(name: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        name,
        partitions_def=ACCOUNTS,
        group_name="nyne_raw",
        kinds={"parquet", "python"},
        description=description,
        metadata={"dagster/column_schema": column_schema(EDGE_SCHEMA, COLUMN_DESCRIPTIONS)},
        # Recorded per partition as each lookup lands; a partition whose row collects only the
        # other list records nothing here.
        skippable=True,
    )


@dg.multi_asset(
    specs=[
        _spec("followers", "Accounts that follow the target account: one Parquet snapshot per "
                           "lookup under `raw/followers/<platform>/<handle>/`."),
        _spec("following", "Accounts the target account follows: one Parquet snapshot per "
                           "lookup under `raw/following/<platform>/<handle>/`."),
    ],
    check_specs=[*check_specs("followers", ACCOUNTS), *check_specs("following", ACCOUNTS)],
    can_subset=False,
    pool=API_POOL,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def account_edges(context: dg.AssetExecutionContext, nyne: NyneApi, ledger: LedgerResource,
                        storage: SocialStorage, target_list: TargetListResource):
    """Looks up the relationship lists of every account in the run: both in one lookup, or the
    one list its target row collects.

    Cost: 3 credits per account with a non-empty result, whether one list or both were asked.
    A lookup already paid for (by a crashed or failed earlier attempt) is resumed, not bought
    again.
    """
    # A backfill wants both assets of every partition in it (see the module docstring).
    listed = {} if BACKFILL_ID_TAG in context.run.tags else \
        listed_assets(target_list, ACCOUNTS.name, context.log)

    def request_for(key: str) -> LookupRequest:
        platform, username = parse_partition_key(ACCOUNTS.name, key)
        wanted = [a for a in LISTS if a in listed.get(key, LISTS)] or list(LISTS)
        return LookupRequest(platform=platform, interaction_type=",".join(wanted),
                             username=username, max_results=nyne.max_results)

    yield from collect_partitions(context, nyne, ledger, storage, request_for)
