"""``followers`` and ``following``: who follows a target account, and whom it follows.

One subsettable multi-asset, partitioned by account. When both assets are selected for a
partition it makes ONE ``followers,following`` lookup (3 credits, not 6); when one is selected,
that type alone. Polling is free; an empty result costs 0 credits.
"""

from datetime import datetime, timezone

import dagster as dg

from resources.nyne import LookupRequest, NyneClient
from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from social_assets.lookups import API_POOL, Snapshot, collect_partitions, materialization_events
from social_assets.parquet import (COLUMN_DESCRIPTIONS, EDGE_SCHEMA, column_schema, edge_table,
                                   parse_timestamp, snapshot_path, write_snapshot)
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
async def account_edges(context: dg.AssetExecutionContext, nyne: NyneApi, storage: SocialStorage):
    """Looks up the selected relationship lists of every account in the run.

    Cost: 3 credits per account with a non-empty result, whether one list or both were asked.
    """
    wanted = sorted(key.path[-1] for key in context.selected_asset_keys)
    interaction_type = ",".join(wanted)  # "followers", "following" or "followers,following"

    async def fetch(client: NyneClient, key: str) -> list[Snapshot]:
        platform, username = parse_partition_key(ACCOUNTS.name, key)
        outcome = await client.lookup(LookupRequest(
            platform=platform, interaction_type=interaction_type, username=username,
            max_results=nyne.max_results))
        result = outcome.result
        fetched_at = parse_timestamp(outcome.completed_on) or datetime.now(timezone.utc)
        snaps = []
        for name in wanted:
            entries = result.followers if name == "followers" else result.following
            if entries is None:
                raise ValueError(f"the {interaction_type} result of request "
                                 f"{outcome.request_id} has no {name} list")
            table = edge_table(entries, platform=platform, target_username=username,
                               request_id=outcome.request_id, fetched_at=fetched_at)
            path = write_snapshot(table, snapshot_path(
                storage.raw_dir(name), platform=platform, target=username,
                request_id=outcome.request_id))
            truncated = table.num_rows >= nyne.max_results or (
                len(wanted) == 1 and result.is_truncated(nyne.max_results))
            snaps.append(Snapshot(
                asset=name, path=path, rows=table.num_rows, request_id=outcome.request_id,
                credits=outcome.credits, total_count=result.total_count, truncated=truncated,
                shared_with=tuple(w for w in wanted if w != name)))
        return snaps

    snapshots, failures = await collect_partitions(context, nyne, fetch)
    for event in materialization_events(context, snapshots, failures):
        yield event
