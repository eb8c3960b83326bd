"""The target list sensor: turns rows of the target list into partitions and runs.

Each tick reads the file (cheap: it never calls the API). When its bytes have not changed since
the last tick it does nothing more. Otherwise it registers the partitions of new rows and
requests one run per contiguous range of the partitions to collect (new rows are registered
side by side, so a batch of new rows is one run per partition set), logs each rejected
row with its row number and reason (the first ``MAX_LOGGED_REJECTIONS``, then how many more)
without failing the tick, and, only when pruning is on, deletes the partitions of rows that
were removed.
"""

import dagster as dg

from resources.target_list import (TargetFileMissing, TargetFileUnreadable, TargetListResource,
                                   digest)
from social_assets.jobs import IN_FLIGHT, JOB_BY_PARTITIONS_DEF, accounts_job, posts_job
from social_assets.partitions import BY_NAME
from social_assets.plan import (RAW_ASSETS, batch_run_request, contiguous_batches,
                                partitions_to_add, partitions_to_delete, plan_runs)
from social_assets.targets import TargetListError, parse_targets

# Rejected rows logged one by one per tick; the rest get one line. A 10 MB file of junk rows
# has hundreds of thousands, which would flood the tick's log and outlast the tick's timeout.
MAX_LOGGED_REJECTIONS = 100


@dg.sensor(
    jobs=[accounts_job, posts_job],
    minimum_interval_seconds=60,
    description="Registers a partition per row of the target list ($SOCIAL_TARGETS_FILE) and "
                "runs the new ones.",
)
def target_list_sensor(context: dg.SensorEvaluationContext, target_list: TargetListResource):
    try:
        raw = target_list.read_bytes()  # never a FIFO, never past 10 MB: checked before reading
    except TargetFileMissing as exc:  # not written yet: nothing to do
        return dg.SkipReason(str(exc))
    except TargetFileUnreadable as exc:  # a directory, a FIFO, too large, no permission
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
    # The partition order once this tick's additions are applied: new keys go last.
    order = {name: [*registered[name], *adds.get(name, [])] for name in BY_NAME}
    materialized = {a: instance.get_materialized_partitions(dg.AssetKey(a)) for a in RAW_ASSETS}
    busy = {name: _keys_in_flight(instance, name, order[name]) for name in BY_NAME}
    # A partition gets a run when one of its assets was never materialized (a new row, a new
    # `collect` value, or every earlier run failed) and no run for it is in flight.
    planned = [run for run in plan_runs(targets.targets, materialized)
               if run.partition_key in new_keys or run.partition_key not in busy[run.partitions_def]]
    runs = [batch_run_request(batch, batch[0].partitions_def, fingerprint)
            for batch in contiguous_batches(planned, order)]

    summary = (f"{len(targets.targets)} targets, {len(new_keys)} new partitions, "
               f"{len(planned)} partitions to collect in {len(runs)} runs, "
               f"{len(targets.rejected)} rows rejected")
    context.log.info(summary)
    if not runs:
        return dg.SensorResult(skip_reason=summary, dynamic_partitions_requests=requests,
                               cursor=fingerprint)
    return dg.SensorResult(run_requests=runs, dynamic_partitions_requests=requests,
                           cursor=fingerprint)


def _keys_in_flight(instance: dg.DagsterInstance, partitions_def: str,
                    order: list[str]) -> set[str]:
    """Keys of ``partitions_def`` that a queued or running run covers (one key, or a range)."""
    records = instance.get_run_records(filters=dg.RunsFilter(
        job_name=JOB_BY_PARTITIONS_DEF[partitions_def].name, statuses=IN_FLIGHT))
    position = {k: i for i, k in enumerate(order)}
    keys: set[str] = set()
    for record in records:
        tags = record.dagster_run.tags
        if "dagster/partition" in tags:
            keys.add(tags["dagster/partition"])
        start = tags.get("dagster/asset_partition_range_start")
        end = tags.get("dagster/asset_partition_range_end")
        if start in position and end in position:
            keys.update(order[position[start]:position[end] + 1])
    return keys
