"""The adaptive refresh sensor: looks each account target up again when the plan says so.

On when ``$SOCIAL_MONTHLY_CREDITS`` is set (it then replaces the accounts' weekly refresh
schedule; posts keep theirs). Each tick reads the warehouse's ``refresh_plan`` (the dbt model
that spends the monthly budget where the followers lists change: ``dbt/models/planning``) and
requests the accounts whose next refresh has come, that are registered and still in the target
list, in one run per contiguous range of keys. A target requested for the snapshot the plan
rests on is not requested again until the plan moves on (the next warehouse build sees the new
snapshot) or ``RETRY_AFTER`` has passed (the run failed): the cursor remembers. Whenever the
plan changed it is recorded as an observation of the ``refresh_plan`` asset: the next refreshes,
the expected changes and the credits planned this month, in the UI.

The budget is a cap, not only a plan: the credits the ledger shows spent since the calendar
month began (UTC) are counted, and the due targets beyond what is left wait for next month
(the ones expected to show the most changes go first), with a warning saying so.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import dagster as dg

from resources.lookups.ledger.resource import LedgerResource
from resources.nyne.settings import CREDITS_PER_LOOKUP
from resources.storage import SocialStorage
from resources.target_list import TargetFileMissing, TargetFileUnreadable, TargetListResource
from social_assets.jobs import accounts_job
from social_assets.partitions import ACCOUNTS
from social_assets.plan import REFRESH_TAG, batch_run_request, contiguous_batches, plan_runs
from social_assets.refresh import MONTHLY_CREDITS_ENV
from social_assets.refresh.plan_rows import (PLAN_MODEL, PlanRow, PlanUnavailable,
                                             due_partitions, read_plan)
from social_assets.refresh.summary import plan_digest, plan_metadata
from social_assets.targets import TargetListError, parse_targets

BUDGET_ENV = MONTHLY_CREDITS_ENV
RETRY_AFTER = timedelta(days=1)
"""A due target whose run did not land a snapshot is requested again after this long."""

__all__ = ["adaptive_refresh_sensor", "due_partitions", "evaluate", "BUDGET_ENV"]


def _load_cursor(raw: str | None) -> dict:
    try:
        cursor = json.loads(raw) if raw else {}
    except ValueError:
        cursor = {}
    return cursor if isinstance(cursor, dict) else {}


def month_start(now: datetime) -> datetime:
    """The first instant of ``now``'s calendar month (UTC): where the monthly budget restarts."""
    return now.astimezone(timezone.utc).replace(day=1, hour=0, minute=0, second=0,
                                                microsecond=0)


def within_budget(due: list[str], by_key: dict[str, PlanRow], budget: int, spent: int
                  ) -> tuple[list[str], list[str]]:
    """(what the rest of this month's budget pays for, what waits for next month): the due
    targets with the most expected changes first, a lookup at most ``CREDITS_PER_LOOKUP``."""
    affordable = max(0, budget - spent) // CREDITS_PER_LOOKUP
    if len(due) <= affordable:
        return due, []
    ranked = sorted(due, key=lambda k: (-(by_key[k].expected_changes_per_refresh or 0.0), k))
    keep = set(ranked[:affordable])
    return [k for k in due if k in keep], [k for k in due if k not in keep]


def evaluate(context: dg.SensorEvaluationContext, targets, plan: list[PlanRow],
             now: datetime, spent: int = 0) -> dg.SensorResult:
    """The tick's decision for ``plan`` at ``now``, given the parsed target list and the
    credits ``spent`` since the month began."""
    cursor = _load_cursor(context.cursor)
    requested: dict = cursor.get("requested", {})
    registered = context.instance.get_dynamic_partitions(ACCOUNTS.name)
    known = set(registered)
    listed = {t.partition_key: t for t in targets.targets
              if t.partitions_def_name == ACCOUNTS.name and t.partition_key in known}
    by_key = {r.partition_key: r for r in plan}
    due, waiting = [], []
    for key in due_partitions(plan, now):
        if key not in listed:
            continue
        seen = requested.get(key)
        basis = by_key[key].last_snapshot_at.isoformat()
        if seen and seen[0] == basis and now.timestamp() - seen[1] < RETRY_AFTER.total_seconds():
            waiting.append(key)
            continue
        due.append(key)
    deferred: list[str] = []
    if plan:
        due, deferred = within_budget(due, by_key, plan[0].plan_budget_credits, spent)
    if deferred:
        context.log.warning(
            f"{len(deferred)} due target(s) wait for next month: {spent} of the "
            f"{plan[0].plan_budget_credits} credits of this month are spent "
            f"(${BUDGET_ENV}); first: {', '.join(deferred[:10])}")
    batches = contiguous_batches(plan_runs([listed[k] for k in due], materialized={},
                                           refresh=True), {ACCOUNTS.name: registered})
    version = now.strftime("%Y%m%dT%H%M%S")
    runs = [batch_run_request(batch, "adaptive", version, tags={REFRESH_TAG: "adaptive"})
            for batch in batches]
    for key in due:
        requested[key] = [by_key[key].last_snapshot_at.isoformat(), now.timestamp()]
    # Forget what the plan no longer holds, so the cursor stays one entry per target.
    requested = {k: v for k, v in requested.items() if k in by_key}
    events = []
    digest = plan_digest(plan)
    if plan and digest != cursor.get("plan"):
        events.append(dg.AssetObservation(asset_key=dg.AssetKey([PLAN_MODEL]),
                                          metadata={**plan_metadata(plan, due + waiting),
                                                    "credits_spent_this_month": spent,
                                                    "targets_deferred_for_budget": len(deferred)}))
    new_cursor = json.dumps({"plan": digest, "requested": requested}, sort_keys=True)
    if not runs:
        context.log.info(f"nothing due: {len(waiting)} target(s) requested and not landed yet"
                         if waiting else "no planned target is due")
        return dg.SensorResult(skip_reason=dg.SkipReason("no account target is due") if not events
                               else None, cursor=new_cursor, asset_events=events)
    context.log.info(f"{len(due)} target(s) due: {', '.join(due[:20])}"
                     + (f" and {len(due) - 20} more" if len(due) > 20 else ""))
    return dg.SensorResult(run_requests=runs, cursor=new_cursor, asset_events=events)


@dg.sensor(
    job=accounts_job,
    minimum_interval_seconds=300,
    description="Looks account targets up again when the refresh plan (the refresh_plan mart: "
                "the monthly credit budget spent where the followers lists change) says they "
                "are due.",
)
def adaptive_refresh_sensor(context: dg.SensorEvaluationContext,
                            target_list: TargetListResource, storage: SocialStorage,
                            ledger: LedgerResource):
    try:
        targets = parse_targets(target_list.read_bytes(),
                                name=str(target_list.resolved_path()))
    except TargetFileMissing as exc:
        return dg.SkipReason(str(exc))
    except (TargetFileUnreadable, TargetListError) as exc:
        raise dg.Failure(description=str(exc)) from None
    try:
        plan = read_plan(storage.settings())
    except PlanUnavailable as exc:
        return dg.SkipReason(f"no refresh plan yet: {exc}")
    now = datetime.now(timezone.utc)
    settings = storage.settings()
    spent = ledger.open(settings.data_dir).credits_since(month_start(now))
    return evaluate(context, targets, plan, now, spent)
