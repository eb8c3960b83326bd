"""Runs one lookup per partition key, many at once, and reports them to Dagster.

A run holds one partition key, or a range of them in a single-run backfill. Every key's lookup
runs concurrently on one async client (its limiter keeps the whole run under the API's rate
limits; ``max_concurrent_lookups`` caps the jobs in flight). One failing key never stops the
others: the keys that succeeded are recorded as materialized, and the step then fails naming
every key that did not, with the API's reason, so "failed and missing" backfills retry only those.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from resources.nyne import NyneClient
from resources.nyne_api import NyneApi

API_POOL = "nyne_api"
"""Every API-calling step shares this pool, so the instance can cap the steps in flight."""

# Plain-logging mirror of each lookup's outcome, for the command line's progress lines
# (Dagster's own console logger is too chatty for that; the UI gets context.log).
PROGRESS = logging.getLogger("social_assets.progress")


@dataclass(frozen=True)
class Snapshot:
    """One Parquet file written for one asset and partition from one API request."""

    asset: str
    path: Path
    rows: int
    request_id: str
    credits: int
    total_count: int | None
    truncated: bool
    shared_with: tuple[str, ...] = ()

    def metadata(self) -> dict:
        meta = {
            "dagster/row_count": dg.MetadataValue.int(self.rows),
            "nyne/request_id": dg.MetadataValue.text(self.request_id),
            # Credits are charged per request: a followers,following lookup's 3 credits show on
            # both assets, flagged by nyne/shared_request_with so totals count them once.
            "nyne/credits": dg.MetadataValue.int(self.credits),
            "nyne/truncated": dg.MetadataValue.bool(self.truncated),
            "path": dg.MetadataValue.path(str(self.path)),
        }
        if self.total_count is not None:
            meta["nyne/total_count"] = dg.MetadataValue.int(self.total_count)
        if self.shared_with:
            meta["nyne/shared_request_with"] = dg.MetadataValue.text(",".join(self.shared_with))
        return meta


Fetch = Callable[[NyneClient, str], Awaitable[list[Snapshot]]]


async def collect_partitions(
    context: dg.AssetExecutionContext, api: NyneApi, fetch: Fetch
) -> tuple[dict[str, list[Snapshot]], dict[str, str]]:
    """Run ``fetch`` for every partition key of the run; returns (snapshots, failures) by key."""
    keys = list(context.partition_keys)
    snapshots: dict[str, list[Snapshot]] = {}
    failures: dict[str, str] = {}

    # The client caps the lookups in flight (max_concurrent_lookups) and paces every request.
    async with api.client() as client:

        async def one(key: str) -> None:
            try:
                snapshots[key] = await fetch(client, key)
            except Exception as exc:  # one bad key must not stop the others
                failures[key] = f"{type(exc).__name__}: {exc}"
                _report(context, f"{key}: FAILED {failures[key]}", error=True)
                return
            _report(context, f"{key}: {_describe(snapshots[key])}")

        await asyncio.gather(*(one(k) for k in keys))
    return snapshots, failures


def _describe(snaps: list[Snapshot]) -> str:
    counts = ", ".join(f"{s.rows} {s.asset}{' (truncated)' if s.truncated else ''}" for s in snaps)
    first = snaps[0]
    return f"{counts} (request {first.request_id}, {first.credits} credits)"


def _report(context: dg.AssetExecutionContext, message: str, error: bool = False) -> None:
    (context.log.error if error else context.log.info)(message)
    PROGRESS.log(logging.ERROR if error else logging.INFO, message)


def materialization_events(
    context: dg.AssetExecutionContext,
    snapshots: dict[str, list[Snapshot]],
    failures: dict[str, str],
) -> Iterator[dg.MaterializeResult | dg.AssetMaterialization]:
    """The events that record what was written; raises ``dg.Failure`` if any key failed.

    When every key succeeded, one ``MaterializeResult`` per selected asset covers the run's keys,
    with each key's metadata attached to its own partition. When some failed, only the keys that
    succeeded are recorded (one ``AssetMaterialization`` each), then the step fails.
    """
    if not failures:
        for key, snaps in snapshots.items():
            for snap in snaps:
                context.add_asset_metadata(snap.metadata(), asset_key=snap.asset, partition_key=key)
        for asset_key in sorted(context.selected_asset_keys):
            yield dg.MaterializeResult(asset_key=asset_key)
        return
    for key, snaps in snapshots.items():
        for snap in snaps:
            yield dg.AssetMaterialization(asset_key=snap.asset, partition=key,
                                          metadata=snap.metadata())
    lines = "\n".join(f"- {key}: {reason}" for key, reason in sorted(failures.items()))
    raise dg.Failure(
        description=f"{len(failures)} of {len(context.partition_keys)} lookups failed:\n{lines}",
        metadata={"failures": dg.MetadataValue.json(dict(sorted(failures.items())))},
        allow_retries=False,
    )
