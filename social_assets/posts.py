"""``repliers``: who replied to a target post (Twitter/X only: Instagram has no replies lookup)."""

from datetime import datetime, timezone

import dagster as dg

from resources.nyne import LookupRequest, NyneClient
from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from social_assets.lookups import API_POOL, Snapshot, collect_partitions, materialization_events
from social_assets.parquet import (COLUMN_DESCRIPTIONS, REPLIERS_SCHEMA, column_schema,
                                   parse_timestamp, repliers_table, snapshot_path, write_snapshot)
from social_assets.partitions import POSTS
from social_assets.targets import parse_partition_key


def status_url(tweet_id: str) -> str:
    """The post's canonical URL; the author is not needed (the API infers it)."""
    return f"https://x.com/i/web/status/{tweet_id}"


@dg.asset(
    partitions_def=POSTS,
    group_name="nyne_raw",
    kinds={"parquet", "python"},
    pool=API_POOL,
    backfill_policy=dg.BackfillPolicy.single_run(),
    metadata={"dagster/column_schema": column_schema(REPLIERS_SCHEMA, COLUMN_DESCRIPTIONS)},
)
async def repliers(context: dg.AssetExecutionContext, nyne: NyneApi, storage: SocialStorage):
    """Accounts that replied to the target post, with the reply's text and date: one Parquet
    snapshot per lookup under raw/repliers/platform=<p>/target=<tweet id>/.

    Cost: 3 credits per post with at least one reply; 0 for a post nobody replied to.
    """

    async def fetch(client: NyneClient, key: str) -> list[Snapshot]:
        platform, tweet_id = parse_partition_key(POSTS.name, key)
        outcome = await client.lookup(LookupRequest(
            platform=platform, interaction_type="replies", tweet_id=tweet_id,
            social_media_url=status_url(tweet_id), max_results=nyne.max_results))
        result = outcome.result
        table = repliers_table(
            result.interactions, platform=platform, tweet_id=tweet_id,
            target_username=result.target_username, request_id=outcome.request_id,
            fetched_at=parse_timestamp(outcome.completed_on) or datetime.now(timezone.utc))
        path = write_snapshot(table, snapshot_path(
            storage.raw_dir("repliers"), platform=platform, target=tweet_id,
            request_id=outcome.request_id))
        return [Snapshot(asset="repliers", path=path, rows=table.num_rows,
                         request_id=outcome.request_id, credits=outcome.credits,
                         total_count=result.total_count,
                         truncated=result.is_truncated(nyne.max_results))]

    snapshots, failures = await collect_partitions(context, nyne, fetch)
    for event in materialization_events(context, snapshots, failures):
        yield event
