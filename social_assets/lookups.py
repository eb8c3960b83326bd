"""Runs one lookup per partition key, many at once, and reports each to Dagster as it lands.

A run holds one partition key, or a range of them in a single-run backfill. Every key's lookup
runs concurrently on one async client (its limiter keeps the whole run under the API's rate
limits; ``max_concurrent_lookups`` caps the jobs in flight). Each key is recorded as
materialized the moment its Parquet snapshot is written (one ``AssetMaterialization`` per asset
and key), so the UI shows a long backfill's partitions filling in as their lookups land, and a
run that dies half-way keeps what it finished. One failing key never stops the others: once
every key is done, the step fails naming each key that did not succeed, with the API's reason,
so "failed and missing" backfills retry only those.

Every lookup goes through ``social_assets.durable``: recorded in the ledger before it is
polled, archived in ``landing/`` before it is parsed, so a retry, a crash or a second run never
buys the same lookup twice and never loses a result that was paid for.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import dagster as dg

from resources.ledger.resource import LedgerResource
from resources.nyne import LookupRequest
from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from social_assets.durable import DurableLookups, Fetched
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
) -> AsyncIterator[dg.AssetMaterialization]:
    """Look up every partition key of the run (``request_for(key)`` says what to ask), through
    the ledger and the landing archive; yields each key's materializations as it lands.

    A key's ledger row is marked done once Dagster has taken its events (when the generator is
    resumed after them), so a crash before that leaves the row landed and the next run turns
    it into Parquet again instead of buying it again. Raises ``dg.Failure`` at the end when any
    key failed.
    """
    keys = list(context.partition_keys)
    root = storage.root()
    book = ledger.open(root)
    callback_url = api.callback_url()
    inbox = None
    if callback_url:  # the receiver stores deliveries in the ledger's database
        from resources.callbacks.inbox import CallbackInbox

        inbox = CallbackInbox(book.url)
    failures: dict[str, str] = {}
    landed: asyncio.Queue[tuple[str, Fetched | None, list[Snapshot]]] = asyncio.Queue()

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
                await landed.put((key, None, []))
                return
            snaps = [replace(s, via=fetched.landed.via, resumed=fetched.resumed) for s in snaps]
            await landed.put((key, fetched, snaps))

        tasks = [asyncio.ensure_future(one(k)) for k in keys]
        try:
            for _ in keys:
                key, fetched, snaps = await landed.get()
                if fetched is None:
                    continue
                run_credits = book.run_credits(context.run.run_id)
                for snap in snaps:
                    snap = replace(snap, run_credits=run_credits)
                    yield dg.AssetMaterialization(asset_key=snap.asset, partition=key,
                                                  metadata=snap.metadata())
                durable.done(fetched)  # Dagster has stored the events above
                _report(context, f"{key}: {_describe(snaps)}")
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    if failures:
        lines = "\n".join(f"- {key}: {reason}" for key, reason in sorted(failures.items()))
        raise dg.Failure(
            description=f"{len(failures)} of {len(keys)} lookups failed:\n{lines}",
            metadata={"failures": dg.MetadataValue.json(dict(sorted(failures.items())))},
            allow_retries=False,
        )


def _describe(snaps: list[Snapshot]) -> str:
    counts = ", ".join(f"{s.rows} {s.asset}{' (truncated)' if s.truncated else ''}" for s in snaps)
    first = snaps[0]
    how = "resumed request" if first.resumed else "request"
    return f"{counts} ({how} {first.request_id}, {first.credits} credits, via {first.via})"


def _report(context: dg.AssetExecutionContext, message: str, error: bool = False) -> None:
    (context.log.error if error else context.log.info)(message)
    PROGRESS.log(logging.ERROR if error else logging.INFO, message)
