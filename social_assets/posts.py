"""``repliers``: who replied to a target post (Twitter/X only: Instagram has no replies lookup)."""

import dagster as dg

from resources.lookups.ledger.resource import LedgerResource
from resources.nyne import LookupRequest
from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from social_assets.lookups import API_POOL, collect_partitions
from social_assets.parquet import COLUMN_DESCRIPTIONS, REPLIERS_SCHEMA, column_schema
from social_assets.partitions import POSTS
from social_assets.raw_checks import check_specs
from social_assets.targets import parse_partition_key


def status_url(tweet_id: str) -> str:
    """The post's canonical URL; the author is not needed (the API infers it)."""
    return f"https://x.com/i/web/status/{tweet_id}"


@dg.asset(
    partitions_def=POSTS,
    group_name="nyne_raw",
    kinds={"parquet", "python"},
    pool=API_POOL,
    check_specs=check_specs("repliers", POSTS),
    backfill_policy=dg.BackfillPolicy.single_run(),
    output_required=False,  # recorded per partition as each lookup lands
    metadata={"dagster/column_schema": column_schema(REPLIERS_SCHEMA, COLUMN_DESCRIPTIONS)},
)
def repliers(context: dg.AssetExecutionContext, nyne: NyneApi, ledger: LedgerResource,
                   storage: SocialStorage):
    """Accounts that replied to the target post, with the reply's text and date: one Parquet
    snapshot per lookup under `raw/repliers/<platform>/<tweet id>/`.

    Cost: 3 credits per post with at least one reply; 0 for a post nobody replied to. A lookup
    already paid for (by a crashed or failed earlier attempt) is resumed, not bought again.
    """

    def request_for(key: str) -> LookupRequest:
        platform, tweet_id = parse_partition_key(POSTS.name, key)
        return LookupRequest(platform=platform, interaction_type="replies", tweet_id=tweet_id,
                             social_media_url=status_url(tweet_id), max_results=nyne.max_results)

    yield from collect_partitions(context, nyne, ledger, storage, request_for)
