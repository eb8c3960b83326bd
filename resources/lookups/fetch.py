"""One lookup, paid for once and never lost: the ledger, the landing archive, callbacks.

``DurableLookups.fetch(target, request)`` gives the landed result of one lookup (the
``LookupService`` runs many of them at once):

1. ``acquire`` in the ledger: a landed result waiting to be used is reused (no API call), and
   so is a done one that landed since ``reuse_since`` (another run bought it while this one
   was queued); a submitted, unexpired request is resumed: read from ``landing/`` when its
   answer is already there (the ledger had not recorded it), else polled, never submitted
   again; a lookup another live process is submitting is waited for, and its result
   taken even once that run has marked it done; otherwise we claim it
   (within the run's credit budget).
2. Submit, then record the ``request_id`` in the journal and the ledger before the first poll
   (``resources.lookups.journal``: the ledger write is retried, the journal reconciled).
3. Wait for the final answer (``resources.lookups.waiting``: the first polls when the job is
   likely done, learnt from the jobs before it (``resources.lookups.latency``, kept in the
   ledger's database), then back-off; or a delivered callback, confirmed by a poll unless
   ``trust_callbacks``, with polls as a slow backstop).
4. Archive the answer's exact bytes in ``landing/`` and mark the row landed, before anything
   parses it. A 404 on poll (the request expired) resubmits once; a ``failed`` job is a
   ``LookupFailed`` naming the target and the API's reason.

The caller turns the record into rows (``social_assets.snapshots``) and calls ``done``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from resources.lookups.journal import RequestJournal, record_submitted
from resources.lookups.latency import LatencyModel, Observation, lookup_kind
from resources.lookups.landing import Landed, land, landing_path, read_landed
from resources.lookups.ledger import Entry, RequestLedger
from resources.lookups.ledger.latencies import LatencyLog
from resources.lookups.ledger.ledger import DONE
from resources.lookups.waiting import wait_for_answer
from resources.nyne import LookupFailed, LookupRequest, NyneClient, RequestNotFound, charged_credits

if TYPE_CHECKING:
    from resources.callbacks.inbox import CallbackInbox

logger = logging.getLogger(__name__)


class LookupExpired(RequestNotFound):
    """The request expired (404) twice: once for the first submit, once for the resubmit."""


@dataclass(frozen=True)
class Fetched:
    landed: Landed
    entry: Entry  # the ledger row, for ``done``
    resumed: bool  # a request of an earlier attempt was picked up (nothing new was bought)


@dataclass
class DurableLookups:
    client: NyneClient
    ledger: RequestLedger
    landing: Path
    run_id: str
    credit_budget: Optional[int] = None
    budget_setting: str = "nyne.credit_budget_per_run"  # named when the budget refuses a lookup
    inbox: Optional["CallbackInbox"] = None
    callback_url: Optional[str] = None  # set with ``inbox``: submits ask for a callback
    backstop_poll_s: float = 120.0  # with callbacks: the slow poll that covers a lost delivery
    inbox_check_s: float = 0.25
    claim_wait_s: float = 0.25
    reuse_since: Optional[datetime] = None  # a result done since then satisfies this run
    journal: Optional[RequestJournal] = None  # every request id, reconciled before any claim
    ledger_write_deadline_s: float = 120.0  # how long recording a request id is retried
    latency: Optional[LatencyModel] = None  # when to poll: learnt from the jobs polled
    latency_log: Optional[LatencyLog] = None  # where each job's latency is kept for later runs
    trust_callbacks: bool = False  # a delivery's body is the answer, without a confirming poll

    def __post_init__(self) -> None:
        if self.journal is not None:
            self.journal.reconcile(self.ledger)

    async def fetch(self, target: str, request: LookupRequest) -> Fetched:
        params = lookup_params(request)
        resubmitted, reuse_since = False, self.reuse_since
        while True:
            got = self.ledger.acquire(target=target, params=params, run_id=self.run_id,
                                      budget=self.credit_budget, reuse_since=reuse_since,
                                      budget_setting=self.budget_setting)
            entry, action = got.entry, got.action
            if action == "wait":
                # Another run is buying it. Its result satisfies this run even once it is
                # ``done`` (no longer active): ``acquire`` decides that in the same transaction
                # that would otherwise claim, so no moment is left in which both runs buy.
                if reuse_since is None or reuse_since > entry.claimed_at:
                    reuse_since = entry.claimed_at
                await asyncio.sleep(self.claim_wait_s)
                continue
            if action == "reuse":
                path = landing_path(self.landing, entry.request_id or "")
                if path.exists():
                    return Fetched(read_landed(path), entry, resumed=True)
                if entry.state == DONE:  # its archive is gone: this run buys its own
                    reuse_since = None
                    continue
                action = "resume"  # the archive lost it: the API may still have it
            if action == "resume" and entry.request_id:
                archived = self._archived(entry)
                if archived is not None:  # landed before the ledger heard of it: no API call
                    return archived
            if action == "submit":
                entry = await self._submit(entry, target, request)
            try:
                landed = await self._wait_and_land(entry, target, request,
                                                   fresh=action == "submit")
            except RequestNotFound as exc:
                self.ledger.expired(entry.id, str(exc))
                if resubmitted:
                    raise LookupExpired(entry.request_id or "", status=404) from None
                logger.warning("%s: request %s expired before its result was read; submitting "
                               "again (once)", target, entry.request_id)
                resubmitted = True
                continue
            return Fetched(landed, entry, resumed=action != "submit")

    def _archived(self, entry: Entry) -> Optional[Fetched]:
        """A submitted row whose answer is already in ``landing/`` (the run that landed it
        stopped before the ledger recorded it): the ledger catches up, the API is not asked."""
        path = landing_path(self.landing, entry.request_id or "")
        if not path.exists():
            return None
        landed = read_landed(path)
        self.ledger.landed(entry.id, charged_credits(landed.body))
        return Fetched(landed, self.ledger.get(entry.id), resumed=True)

    def done(self, fetched: Fetched) -> None:
        self.ledger.done(fetched.entry.id)

    def _observed(self, observation: Observation) -> None:
        if self.latency is not None:
            self.latency.observe(observation)
        if self.latency_log is not None:
            try:
                self.latency_log.record(observation)
            except Exception as exc:  # noqa: BLE001 - a lost sample must not fail a paid lookup
                logger.warning("latency of a %s job not recorded (%s)", observation.kind,
                               type(exc).__name__)

    async def _submit(self, entry: Entry, target: str, request: LookupRequest) -> Entry:
        if self.callback_url:
            request = replace(request, callback_url=self.callback_url)
        try:
            submission = await self.client.submit(request)
        except Exception as exc:  # refused or unreachable: nothing was bought
            self.ledger.failed(entry.id, self.client.redact(f"submit: {type(exc).__name__}: {exc}"))
            raise
        if self.journal is not None:  # first, so the id survives a ledger that is down
            self.journal.append(entry, submission.request_id, self.run_id)
        await record_submitted(self.ledger, entry.id, submission.request_id,
                               deadline_s=self.ledger_write_deadline_s)
        return self.ledger.get(entry.id)

    async def _wait_and_land(self, entry: Entry, target: str, request: LookupRequest, *,
                             fresh: bool) -> Landed:
        """``fresh``: submitted just now, so the wait's timing is the job's latency (a resumed
        request may have ended long ago: it teaches nothing, and is polled on the client's fixed
        schedule)."""
        request_id = entry.request_id
        assert request_id, "a submitted ledger row has a request id"
        kind = lookup_kind(request.platform, request.interaction_type)
        schedule = self.latency.schedule(kind) if fresh and self.latency is not None else ()
        observe = (lambda lo, hi: self._observed(Observation(kind, lo, hi))) if fresh else None
        try:
            body, via = await wait_for_answer(
                self.client, request_id, request, inbox=self.inbox,
                backstop_poll_s=self.backstop_poll_s, inbox_check_s=self.inbox_check_s,
                schedule=schedule, observe=observe, trust_callbacks=self.trust_callbacks)
        except LookupFailed as exc:
            self.ledger.failed(entry.id, exc.reason)
            raise LookupFailed(request_id, f"{exc.reason} (target {target})",
                               request=request) from None
        record = Landed(request_id, target, lookup_params(request),
                        datetime.now(timezone.utc), via, body)
        land(self.landing, record)
        credits = charged_credits(body)
        self.ledger.landed(entry.id, credits)
        logger.info("%s: request %s landed via %s, %d credits", target, request_id, via, credits)
        return read_landed(landing_path(self.landing, request_id))


def lookup_params(request: LookupRequest) -> dict[str, Any]:
    """The lookup's identity: what is asked, never how the answer is delivered."""
    return {"platform": request.platform, "interaction_type": request.interaction_type,
            "username": request.username, "tweet_id": request.tweet_id,
            "max_results": request.max_results}

