"""Runs one lookup per partition key, many at once, and reports each to Dagster as it lands.

A run holds one partition key, or a range of them in a single-run backfill. Every key's lookup
goes through the ``LookupService`` (``resources.lookups``: recorded in the ledger before it is
polled, archived in ``landing/`` before it is parsed, so a retry, a crash or a second run never
buys the same lookup twice and never loses a result that was paid for). Each key is recorded as
materialized the moment its Parquet snapshot is written (one ``AssetMaterialization`` per asset
and key, then its asset checks: ``raw_checks``), so the UI shows a long backfill's partitions
filling in as their lookups land, and a run that dies half-way keeps what it finished. One failing key never stops the others: once
every key is done, the step fails naming each key that did not succeed, with the API's reason,
so "failed and missing" backfills retry only those.
"""

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import dagster as dg

from resources.lookups import Fetched, open_lookups
from resources.lookups.ledger.resource import LedgerResource
from resources.nyne import LookupRequest
from resources.nyne_api import NyneApi
from resources.storage import SocialStorage
from social_assets.plan import REFRESH_TAG, WANTED_SINCE_TAG
from social_assets.raw_checks import AssetCheckEvaluation, CheckOutputs, evaluations
from social_assets.snapshots import Snapshot, write_snapshots

API_POOL = "nyne_api"
"""Every API-calling step shares this pool, so the instance can cap the steps in flight."""

# Plain-logging mirror of each lookup's outcome, for the command line's progress lines
# (Dagster's own console logger is too chatty for that). The UI shows each partition's
# materialization instead; a log event per key would cost Dagster one more stored event each.
PROGRESS = logging.getLogger("social_assets.progress")


RequestFor = Callable[[str], LookupRequest]


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
) -> Iterator[dg.AssetMaterialization | dg.Output | AssetCheckEvaluation]:
    """Look up every partition key of the run (``request_for(key)`` says what to ask) through
    the ``LookupService``; yields each key's materializations as its snapshot is written.

    A key's ledger row is marked done once Dagster has taken its events (when the generator is
    resumed after them), so a crash before that leaves the row landed and the next run turns
    it into Parquet again instead of buying it again. Raises ``dg.Failure`` at the end when any
    key failed.
    """
    keys = list(context.partition_keys)
    root = storage.check()  # a data dir on a store that cannot be written: said before paying
    service = open_lookups(api, ledger, root, run_id=context.run.run_id,
                           reuse_since=reuse_since(context, ledger.reuse_window_s))

    def snapshots(fetched: Fetched) -> tuple[Snapshot, ...]:
        return tuple(replace(s, via=fetched.landed.via, resumed=fetched.resumed)
                     for s in write_snapshots(fetched.landed, root / "raw"))

    checks = CheckOutputs(context)
    failures: dict[str, str] = {}
    requests = {}
    for key in keys:  # a key that names no valid lookup fails alone
        try:
            requests[key] = request_for(key)
        except Exception as exc:
            failures[key] = service.redact(f"{type(exc).__name__}: {exc}")
            _report(context, f"{key}: FAILED {failures[key]}", error=True)
    for result in service.collect(requests, snapshots):
        if not result.ok:
            failures[result.key] = result.message
            _report(context, f"{result.key}: FAILED {result.message}", error=True)
            continue
        run_credits = service.run_credits()
        for snap in result.output:
            yield dg.AssetMaterialization(
                asset_key=snap.asset, partition=result.key,
                metadata=replace(snap, run_credits=run_credits).metadata())
        for snap in result.output:  # the checks point at the materializations just stored
            for evaluation in evaluations(context, snap, result.key):
                yield from checks.emit(evaluation)
        service.done(result)  # Dagster has stored the events above
        _report(context, f"{result.key}: {_describe(list(result.output))}")

    yield from checks.remaining()
    done = len(keys) - len(failures)
    context.log.info(f"{done} of {len(keys)} lookups landed; this run's submits committed "
                     f"{service.run_credits()} credits")
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
    if error:  # a failure is the one per-key line worth an event in the run's log
        context.log.error(message)
    PROGRESS.log(logging.ERROR if error else logging.INFO, message)
