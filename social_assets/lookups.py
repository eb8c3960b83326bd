"""Runs one lookup per partition key, many at once, and reports each to Dagster as it lands.

A run holds one partition key, or a range of them in a single-run backfill. Every key's lookup
runs concurrently on one async client (its limiter keeps the whole run under the API's rate
limits; ``max_concurrent_lookups`` caps the jobs in flight). Each key is recorded as
materialized the moment its Parquet snapshot is written (one ``AssetMaterialization`` per asset
and key), so the UI shows a long backfill's partitions filling in as their lookups land, and a
run that dies half-way keeps what it finished. One failing key never stops the others: once
every key is done, the step fails naming each key that did not succeed, with the API's reason,
so "failed and missing" backfills retry only those.

The lookups run on their own event loop in a worker thread, and the step's thread hands their
results to Dagster: storing an event takes Dagster tens of milliseconds on SQLite, and Dagster
drives an async asset's generator with its event loop stopped while it stores each event, so
lookups on the step's own loop would stand still for every partition recorded.

Every lookup goes through ``social_assets.durable``: recorded in the ledger before it is
polled, archived in ``landing/`` before it is parsed, so a retry, a crash or a second run never
buys the same lookup twice and never loses a result that was paid for.
"""

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import dagster as dg

from resources.ledger.resource import LedgerResource
from resources.nyne import LookupRequest
from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from social_assets.durable import DurableLookups, Fetched
from social_assets.journal import JOURNAL_FILE, RequestJournal
from social_assets.landing import landing_dir
from social_assets.plan import REFRESH_TAG, WANTED_SINCE_TAG
from social_assets.snapshots import Snapshot, write_snapshots

API_POOL = "nyne_api"
"""Every API-calling step shares this pool, so the instance can cap the steps in flight."""

# Plain-logging mirror of each lookup's outcome, for the command line's progress lines
# (Dagster's own console logger is too chatty for that). The UI shows each partition's
# materialization instead; a log event per key would cost Dagster one more stored event each.
PROGRESS = logging.getLogger("social_assets.progress")


RequestFor = Callable[[str], LookupRequest]


@dataclass(frozen=True)
class _Outcome:
    key: str
    fetched: Fetched | None = None  # None: the lookup failed
    snapshots: tuple[Snapshot, ...] = ()
    error: str = ""


def reuse_since(context: dg.AssetExecutionContext, window_s: float) -> datetime:
    """From when on a result another run landed satisfies this one: the moment the run was
    wanted (``social/wanted_since``, set by ``collect`` to its own start, else when Dagster
    created the run), less ``window_s`` unless the run is a refresh (``social/refresh``),
    which asks for a result newer than itself."""
    tags = context.run.tags
    wanted = tags.get(WANTED_SINCE_TAG)
    if wanted:
        since = datetime.fromisoformat(wanted)
    else:
        record = context.instance.get_run_record_by_id(context.run.run_id)
        since = record.create_timestamp if record else datetime.now(timezone.utc)
    return since if REFRESH_TAG in tags else since - timedelta(seconds=window_s)


def collect_partitions(
    context: dg.AssetExecutionContext, api: NyneApi, ledger: LedgerResource,
    storage: SocialStorage, request_for: RequestFor,
) -> Iterator[dg.AssetMaterialization]:
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
    run_id = context.run.run_id
    callback_url = api.callback_url()
    inbox = None
    if callback_url:  # the receiver stores deliveries in the ledger's database
        from resources.callbacks.inbox import CallbackInbox

        inbox = CallbackInbox(book.url)
    client = api.client()
    durable = DurableLookups(
        client, book, landing_dir(root), run_id, credit_budget=api.credit_budget(),
        budget_setting=api.credit_budget_setting(), inbox=inbox,
        callback_url=callback_url, backstop_poll_s=api.callback_backstop_poll_s,
        reuse_since=reuse_since(context, ledger.reuse_window_s),
        journal=RequestJournal(root / JOURNAL_FILE))

    async def one(key: str, slots: asyncio.Semaphore) -> _Outcome:
        try:
            async with slots:
                fetched = await durable.fetch(key, request_for(key))
            snaps = write_snapshots(fetched.landed, root / "raw")
        except Exception as exc:  # one bad key must not stop the others
            return _Outcome(key, error=client.redact(f"{type(exc).__name__}: {exc}"))
        return _Outcome(key, fetched, tuple(replace(s, via=fetched.landed.via,
                                                    resumed=fetched.resumed) for s in snaps))

    async def lookups(report: Callable[[_Outcome], None]) -> None:
        slots = asyncio.Semaphore(api.max_concurrent_lookups)  # jobs in flight at once
        async with client:
            async def reported(key: str) -> None:
                report(await one(key, slots))

            await asyncio.gather(*(reported(k) for k in keys))

    failures: dict[str, str] = {}
    with _Worker(lookups) as worker:
        for outcome in worker.outcomes(len(keys)):
            if outcome.fetched is None:
                failures[outcome.key] = outcome.error
                _report(context, f"{outcome.key}: FAILED {outcome.error}", error=True)
                continue
            run_credits = book.run_credits(run_id)
            for snap in outcome.snapshots:
                yield dg.AssetMaterialization(
                    asset_key=snap.asset, partition=outcome.key,
                    metadata=replace(snap, run_credits=run_credits).metadata())
            durable.done(outcome.fetched)  # Dagster has stored the events above
            _report(context, f"{outcome.key}: {_describe(list(outcome.snapshots))}")

    done = len(keys) - len(failures)
    context.log.info(f"{done} of {len(keys)} lookups landed; this run's submits committed "
                     f"{book.run_credits(run_id)} credits")
    if failures:
        lines = "\n".join(f"- {key}: {reason}" for key, reason in sorted(failures.items()))
        raise dg.Failure(
            description=f"{len(failures)} of {len(keys)} lookups failed:\n{lines}",
            metadata={"failures": dg.MetadataValue.json(dict(sorted(failures.items())))},
            allow_retries=False,
        )


class _Worker:
    """Runs ``lookups(report)`` on a new event loop in a thread; ``outcomes`` hands the step's
    thread what ``report`` was given, in the order it came. Leaving the block cancels whatever
    is still running (the step was interrupted) and waits for the thread to end."""

    def __init__(self, lookups: Callable[[Callable[[_Outcome], None]], object]):
        self._lookups = lookups
        self._queue: queue.Queue[_Outcome | BaseException | None] = queue.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nyne-lookups", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self._loop, self._main = asyncio.get_running_loop(), asyncio.current_task()
            self._started.set()
            await self._lookups(self._queue.put)

        try:
            asyncio.run(main())
            self._queue.put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the step's thread, re-raised there
            self._queue.put(exc)
        finally:
            self._started.set()

    def outcomes(self, expected: int) -> Iterator[_Outcome]:
        for _ in range(expected):
            item = self._queue.get()
            if item is None:
                raise RuntimeError(f"the lookups ended with {expected} outcomes still due")
            if isinstance(item, BaseException):
                raise item
            yield item

    def __enter__(self) -> "_Worker":
        self._thread.start()
        self._started.wait()
        return self

    def __exit__(self, *exc) -> None:
        loop, main = self._loop, self._main
        if loop is not None and main is not None and self._thread.is_alive():
            loop.call_soon_threadsafe(main.cancel)
        self._thread.join()


def _describe(snaps: list[Snapshot]) -> str:
    counts = ", ".join(f"{s.rows} {s.asset}{' (truncated)' if s.truncated else ''}" for s in snaps)
    first = snaps[0]
    how = "resumed request" if first.resumed else "request"
    return f"{counts} ({how} {first.request_id}, {first.credits} credits, via {first.via})"


def _report(context: dg.AssetExecutionContext, message: str, error: bool = False) -> None:
    if error:  # a failure is the one per-key line worth an event in the run's log
        context.log.error(message)
    PROGRESS.log(logging.ERROR if error else logging.INFO, message)
