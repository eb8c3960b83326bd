"""Runs one lookup per partition key, many at once, and reports them to Dagster.

A run holds one partition key, or a range of them in a single-run backfill. Every key's lookup
runs concurrently on one async client (its limiter keeps the whole run under the API's rate
limits; ``max_concurrent_lookups`` caps the jobs in flight). One failing key never stops the
others: the keys that succeeded are recorded as materialized, and the step then fails naming
every key that did not, with the API's reason, so "failed and missing" backfills retry only those.

Every lookup goes through ``social_assets.durable``: recorded in the ledger before it is
polled, archived in ``landing/`` before it is parsed, so a retry, a crash or a second run never
buys the same lookup twice and never loses a result that was paid for.
"""

import asyncio
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import dagster as dg

from resources.ledger.resource import LedgerResource
from resources.nyne import LookupRequest
from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from social_assets.durable import DurableLookups
from social_assets.landing import landing_dir
from social_assets.snapshots import Snapshot, write_snapshots

API_POOL = "nyne_api"
"""Every API-calling step shares this pool, so the instance can cap the steps in flight."""

# Plain-logging mirror of each lookup's outcome, for the command line's progress lines
# (Dagster's own console logger is too chatty for that; the UI gets context.log).
PROGRESS = logging.getLogger("social_assets.progress")


RequestFor = Callable[[str], LookupRequest]


async def collect_partitions(
    context: dg.AssetExecutionContext, api: NyneApi, ledger: LedgerResource,
    storage: SocialStorage, request_for: RequestFor,
) -> "Collected":
    """Look up every partition key of the run (``request_for(key)`` says what to ask), through
    the ledger and the landing archive."""
    keys = list(context.partition_keys)
    snapshots: dict[str, list[Snapshot]] = {}
    failures: dict[str, str] = {}
    fetched_ok = []
    root = storage.root()
    book = ledger.open(root)
    callback_url = api.callback_url()
    inbox = None
    if callback_url:  # the receiver stores deliveries in the ledger's database
        from resources.callbacks.inbox import CallbackInbox

        inbox = CallbackInbox(book.url)

    # The client paces every request (rate limits); ``slots`` caps the lookups in flight.
    async with api.client() as client:
        durable = DurableLookups(
            client, book, landing_dir(root), context.run.run_id,
            credit_budget=api.credit_budget(), inbox=inbox, callback_url=callback_url,
            backstop_poll_s=api.callback_backstop_poll_s)

        slots = asyncio.Semaphore(api.max_concurrent_lookups)  # jobs in flight at once

        async def one(key: str) -> None:
            try:
                async with slots:
                    fetched = await durable.fetch(key, request_for(key))
                snaps = write_snapshots(fetched.landed, root / "raw")
            except Exception as exc:  # one bad key must not stop the others
                failures[key] = client.redact(f"{type(exc).__name__}: {exc}")
                _report(context, f"{key}: FAILED {failures[key]}", error=True)
                return
            fetched_ok.append(fetched)
            snapshots[key] = [replace(s, via=fetched.landed.via, resumed=fetched.resumed)
                              for s in snaps]
            _report(context, f"{key}: {_describe(snapshots[key])}")

        await asyncio.gather(*(one(k) for k in keys))
    run_credits = book.run_credits(context.run.run_id)
    for key, snaps in snapshots.items():
        snapshots[key] = [replace(s, run_credits=run_credits) for s in snaps]
    return Collected(snapshots, failures, lambda: [durable.done(f) for f in fetched_ok])


@dataclass(frozen=True)
class Collected:
    """A run's snapshots and failures by key. ``finish`` marks the ledger rows done: called
    once Dagster has recorded the materializations, so a crash before that leaves the rows
    landed, and the next run turns them into Parquet again instead of buying them again."""

    snapshots: dict[str, list[Snapshot]]
    failures: dict[str, str]
    finish: Callable[[], object]


def _describe(snaps: list[Snapshot]) -> str:
    counts = ", ".join(f"{s.rows} {s.asset}{' (truncated)' if s.truncated else ''}" for s in snaps)
    first = snaps[0]
    how = "resumed request" if first.resumed else "request"
    return f"{counts} ({how} {first.request_id}, {first.credits} credits, via {first.via})"


def _report(context: dg.AssetExecutionContext, message: str, error: bool = False) -> None:
    (context.log.error if error else context.log.info)(message)
    PROGRESS.log(logging.ERROR if error else logging.INFO, message)


def materialization_events(
    context: dg.AssetExecutionContext, collected: Collected,
) -> Iterator[dg.MaterializeResult | dg.AssetMaterialization]:
    """The events that record what was written; raises ``dg.Failure`` if any key failed.

    When every key succeeded, one ``MaterializeResult`` per selected asset covers the run's keys,
    with each key's metadata attached to its own partition. When some failed, only the keys that
    succeeded are recorded (one ``AssetMaterialization`` each), then the step fails. The
    ledger rows are marked done after the last event was taken (``Collected.finish``).
    """
    snapshots, failures = collected.snapshots, collected.failures
    if not failures:
        for key, snaps in snapshots.items():
            for snap in snaps:
                context.add_asset_metadata(snap.metadata(), asset_key=snap.asset, partition_key=key)
        for asset_key in sorted(context.selected_asset_keys):
            yield dg.MaterializeResult(asset_key=asset_key)
        collected.finish()
        return
    for key, snaps in snapshots.items():
        for snap in snaps:
            yield dg.AssetMaterialization(asset_key=snap.asset, partition=key,
                                          metadata=snap.metadata())
    collected.finish()
    lines = "\n".join(f"- {key}: {reason}" for key, reason in sorted(failures.items()))
    raise dg.Failure(
        description=f"{len(failures)} of {len(context.partition_keys)} lookups failed:\n{lines}",
        metadata={"failures": dg.MetadataValue.json(dict(sorted(failures.items())))},
        allow_retries=False,
    )
