"""The target list sensor: turns rows of the target list into partitions and runs.

Each tick reads the file (cheap: it never calls the API). When its bytes have not changed since
the last tick it does nothing more. Otherwise it registers the partitions of new rows, requests
one run per new partition (for the assets its row's ``collect`` asks for), logs each rejected
row with its row number and reason (the first ``MAX_LOGGED_REJECTIONS``, then how many more)
without failing the tick, and, only when pruning is on, deletes the partitions of rows that
were removed.
"""

import dagster as dg

from resources.target_list import TargetFileUnreadable, TargetListResource, digest
from social_assets.jobs import accounts_job, posts_job
from social_assets.partitions import BY_NAME
from social_assets.plan import (RAW_ASSETS, PlannedRun, partitions_to_add,
                                partitions_to_delete, plan_runs)
from social_assets.targets import TargetListError, parse_targets
from social_assets.targets.files import refuse_oversized

# Rejected rows logged one by one per tick; the rest get one line. A 10 MB file of junk rows
# has hundreds of thousands, which would flood the tick's log and outlast the tick's timeout.
MAX_LOGGED_REJECTIONS = 100
_IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED,
              dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


@dg.sensor(
    jobs=[accounts_job, posts_job],
    minimum_interval_seconds=60,
    description="Registers a partition per row of the target list ($SOCIAL_TARGETS_FILE) and "
                "runs the new ones.",
)
def target_list_sensor(context: dg.SensorEvaluationContext, target_list: TargetListResource):
    try:
        refuse_oversized(target_list.resolved_path())  # before reading it whole, every tick
        raw = target_list.read_bytes()
    except TargetFileUnreadable as exc:
        return dg.SkipReason(str(exc))
    except TargetListError as exc:
        raise dg.Failure(description=str(exc)) from None
    fingerprint = digest(raw)
    if context.cursor == fingerprint:
        return dg.SkipReason(f"target list {target_list.resolved_path()} unchanged")
    try:
        targets = parse_targets(raw, name=str(target_list.resolved_path()))
    except TargetListError as exc:
        # The whole file is unusable: fail the tick loudly, keep the cursor so the next tick
        # tries again, and leave every registered partition as it is.
        raise dg.Failure(description=str(exc)) from None
    for rejected in targets.rejected[:MAX_LOGGED_REJECTIONS]:
        context.log.warning(f"target list: rejected {rejected}")
    unlogged = targets.rejected[MAX_LOGGED_REJECTIONS:]
    if unlogged:
        context.log.warning(f"target list: {len(unlogged):,} more rows rejected, from line "
                            f"{unlogged[0].row:,} to line {unlogged[-1].row:,}, not logged one by one")

    instance = context.instance
    registered = {name: instance.get_dynamic_partitions(name) for name in BY_NAME}
    adds = partitions_to_add(targets, registered)
    requests = [BY_NAME[name].build_add_request(keys) for name, keys in adds.items()]
    if target_list.should_prune():
        for name, keys in partitions_to_delete(targets, registered).items():
            context.log.info(f"pruning {len(keys)} {name} partition(s) removed from the list")
            requests.append(BY_NAME[name].build_delete_request(keys))

    new_keys = {k for keys in adds.values() for k in keys}
    materialized = {a: instance.get_materialized_partitions(dg.AssetKey(a)) for a in RAW_ASSETS}
    runs = []
    for run in plan_runs(targets.targets, materialized):
        # An existing partition gets a run only when one of its assets was never materialized
        # (a new `collect` value, or every earlier run failed) and no run for it is in flight.
        if run.partition_key not in new_keys and _has_run_in_flight(instance, run):
            continue
        runs.append(dg.RunRequest(
            job_name=run.job_name,
            partition_key=run.partition_key,
            asset_selection=[dg.AssetKey(a) for a in run.assets],
            run_key=f"{run.partitions_def}:{run.partition_key}:{'+'.join(run.assets)}:{fingerprint}",
        ))

    summary = (f"{len(targets.targets)} targets, {len(new_keys)} new partitions, "
               f"{len(runs)} runs requested, {len(targets.rejected)} rows rejected")
    context.log.info(summary)
    if not runs:
        return dg.SensorResult(skip_reason=summary, dynamic_partitions_requests=requests,
                               cursor=fingerprint)
    return dg.SensorResult(run_requests=runs, dynamic_partitions_requests=requests,
                           cursor=fingerprint)


def _has_run_in_flight(instance: dg.DagsterInstance, run: PlannedRun) -> bool:
    records = instance.get_run_records(
        filters=dg.RunsFilter(job_name=run.job_name, statuses=_IN_FLIGHT,
                              tags={"dagster/partition": run.partition_key}),
        limit=1,
    )
    return bool(records)
