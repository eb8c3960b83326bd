"""``LookupService``: from "these keys need these lookups" to their landed results.

    service = open_lookups(api, ledger, data_root, run_id=run_id)
    for result in service.collect({"twitter/nasa": request, ...}):
        ...                     # result.landed, or result.error naming what went wrong
        service.done(result)    # once the result is safely used (Dagster has its events)

Every key's lookup goes through ``DurableLookups`` (ledger, journal, landing archive,
callbacks: paid once, never lost), at most ``max_in_flight`` at once, all on one client whose
limiter keeps them under the API's rate limits, together with every other run of the account
(the limiter's store: ``nyne.rate_limit_url``, default the ledger's database). One failing key
never stops the others: its result carries the (redacted) error.

The lookups run on their own event loop in a worker thread, and ``collect`` hands their
results to the caller's thread as they land: Dagster stores each event the caller yields in
tens of milliseconds on SQLite, and drives an async asset with its event loop stopped while it
does, so lookups on the step's own loop would stand still for every partition recorded.
``on_landed`` (e.g. writing the Parquet snapshot) runs in the worker, beside the lookups.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Optional, TypeVar

from resources.lookups.fetch import DurableLookups, Fetched
from resources.lookups.journal import RequestJournal
from resources.lookups.landing import Landed, landing_dir
from resources.nyne import LookupRequest, NyneClient

if TYPE_CHECKING:
    from resources.datadir import DataPath
    from resources.lookups.ledger.resource import LedgerResource
    from resources.nyne_api import NyneApi

T = TypeVar("T")


@dataclass(frozen=True)
class LookupResult(Generic[T]):
    """One key's outcome: ``fetched`` (and what ``on_landed`` made of it), or ``error``."""

    key: str
    fetched: Optional[Fetched] = None
    output: Optional[T] = None
    error: Optional[BaseException] = None
    message: str = ""  # "Type: reason", the credentials removed

    @property
    def ok(self) -> bool:
        return self.fetched is not None

    @property
    def landed(self) -> Landed:
        assert self.fetched is not None, f"the lookup of {self.key} failed: {self.message}"
        return self.fetched.landed


class LookupService:
    def __init__(self, client: NyneClient, lookups: DurableLookups, max_in_flight: int = 8):
        if max_in_flight < 1:
            raise ValueError(f"max_in_flight must be at least 1, got {max_in_flight!r}")
        self.client = client
        self.lookups = lookups
        self.max_in_flight = max_in_flight

    def redact(self, text: str) -> str:
        return self.client.redact(text)

    def run_credits(self) -> int:
        """The credits this run's own submits committed so far."""
        return self.lookups.ledger.run_credits(self.lookups.run_id)

    def done(self, result: LookupResult) -> None:
        """Mark a landed result used: a later run no longer turns it into rows again."""
        if result.fetched is not None:
            self.lookups.done(result.fetched)

    def collect(self, requests: Mapping[str, LookupRequest],
                on_landed: Optional[Callable[[Fetched], T]] = None) -> Iterator[LookupResult[T]]:
        """Every key's result, in the order they come. Closing the iterator early cancels
        the lookups still running (nothing paid for is lost: the ledger resumes them)."""
        async def one(key: str, request: LookupRequest,
                      slots: asyncio.Semaphore) -> LookupResult[T]:
            try:
                async with slots:
                    fetched = await self.lookups.fetch(key, request)
                output = on_landed(fetched) if on_landed is not None else None
            except Exception as exc:  # one bad key must not stop the others
                return LookupResult(key, error=exc,
                                    message=self.redact(f"{type(exc).__name__}: {exc}"))
            return LookupResult(key, fetched, output)

        async def everything(report: Callable[[LookupResult[T]], None]) -> None:
            slots = asyncio.Semaphore(self.max_in_flight)
            async with self.client:
                async def reported(key: str, request: LookupRequest) -> None:
                    report(await one(key, request, slots))

                await asyncio.gather(*(reported(k, r) for k, r in requests.items()))

        with _Worker(everything) as worker:
            yield from worker.outcomes(len(requests))


def open_lookups(api: "NyneApi", ledger: "LedgerResource", data_root: "DataPath", *,
                 run_id: str, reuse_since: Optional[datetime] = None) -> LookupService:
    """The service for one run, from the resources' settings (read now: run time)."""
    book = ledger.open(data_root)
    callback_url = api.callback_url()
    inbox = None
    if callback_url:  # the receiver stores deliveries in the ledger's database
        from resources.callbacks.inbox import CallbackInbox

        inbox = CallbackInbox(book.url)
    # Every run of the account takes its request slots from one shared store (default: the
    # ledger's database); checked now, so a wrong URL fails the run before any lookup.
    client = api.client(ledger_url=book.url)
    client.limiter.store.check()
    lookups = DurableLookups(
        client, book, landing_dir(data_root), run_id, credit_budget=api.credit_budget(),
        budget_setting=api.credit_budget_setting(), inbox=inbox, callback_url=callback_url,
        backstop_poll_s=api.callback_backstop_poll_s, reuse_since=reuse_since,
        journal=RequestJournal.of(data_root), inbox_check_s=api.inbox_check_s,
        claim_wait_s=api.claim_wait_s, trust_callbacks=api.trust_callbacks,
        **_latency(api, book.url))
    return LookupService(client, lookups, max_in_flight=api.max_concurrent_lookups)


def _latency(api: "NyneApi", ledger_url: str) -> dict[str, Any]:
    """The poll schedule's model, primed with the history in the ledger's database (none
    when ``learn_poll_schedule`` is off: the client's fixed back-off only)."""
    if not api.learn_poll_schedule:
        return {}
    from resources.lookups.latency import LatencyModel
    from resources.lookups.ledger.latencies import LatencyLog

    log = LatencyLog(ledger_url)
    return {"latency": LatencyModel(log.recent()), "latency_log": log}


class _Worker:
    """Runs ``work(report)`` on a new event loop in a thread; ``outcomes`` hands the caller's
    thread what ``report`` was given, in the order it came. Leaving the block cancels whatever
    is still running and waits for the thread to end."""

    def __init__(self, work: Callable[[Callable[[Any], None]], Any]):
        self._work = work
        self._queue: queue.Queue[Any] = queue.Queue()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._main: Optional[asyncio.Task] = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nyne-lookups", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self._loop, self._main = asyncio.get_running_loop(), asyncio.current_task()
            self._started.set()
            await self._work(self._queue.put)

        try:
            asyncio.run(main())
            self._queue.put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
            self._queue.put(_Raised(exc))
        finally:
            self._started.set()

    def outcomes(self, expected: int) -> Iterator[Any]:
        for _ in range(expected):
            item = self._queue.get()
            if item is _END:
                raise RuntimeError(f"the lookups ended with {expected} outcomes still due")
            if isinstance(item, _Raised):
                raise item.exc
            yield item

    def __enter__(self) -> "_Worker":
        self._thread.start()
        self._started.wait()
        return self

    def __exit__(self, *exc: Any) -> None:
        loop, main = self._loop, self._main
        if loop is not None and main is not None and not main.done():
            try:
                loop.call_soon_threadsafe(main.cancel)
            except RuntimeError:  # the loop closed meanwhile: nothing is left to cancel
                pass
        self._thread.join()


_END = object()


@dataclass(frozen=True)
class _Raised:
    exc: BaseException
