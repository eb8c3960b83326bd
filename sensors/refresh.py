"""The refresh schedules: a new snapshot of every registered partition, on a cron.

One schedule per partition set (a run covers one set). A tick requests a new snapshot of every
partition that is registered and still in the target list, in one run per contiguous range of
those keys (usually one run); each key's row says what it collects.
Partitions whose rows were removed from the list are not refreshed: they cost credits for a
target nobody asked for any more. Cron: ``$SOCIAL_REFRESH_CRON``, weekly by default. With a
monthly credit budget (``$SOCIAL_MONTHLY_CREDITS``) the accounts follow the adaptive refresh
plan instead (``sensors.adaptive_refresh``); posts keep the cron.
"""

import dagster as dg

from resources.target_list import TargetListResource
from social_assets.jobs import JOB_BY_PARTITIONS_DEF
from social_assets.partitions import ACCOUNTS
from social_assets.plan import REFRESH_TAG, batch_run_request, contiguous_batches, plan_runs
from social_assets.targets import parse_targets

DEFAULT_REFRESH_CRON = "0 6 * * 1"  # Mondays 06:00 UTC


def refresh_schedule(partitions_def_name: str, cron: str) -> dg.ScheduleDefinition:
    job = JOB_BY_PARTITIONS_DEF[partitions_def_name]

    @dg.schedule(
        cron_schedule=cron,
        job=job,
        name=f"refresh_{partitions_def_name}_schedule",
        execution_timezone="UTC",
        description=f"Takes a new snapshot of every registered {partitions_def_name} partition "
                    f"that is still in the target list.",
    )
    def _refresh(context: dg.ScheduleEvaluationContext, target_list: TargetListResource):
        targets = parse_targets(target_list.read_bytes(), name=str(target_list.resolved_path()))
        registered = set(context.instance.get_dynamic_partitions(partitions_def_name))
        listed = [t for t in targets.targets
                  if t.partitions_def_name == partitions_def_name and t.partition_key in registered]
        if not listed:
            return dg.SkipReason(f"no registered {partitions_def_name} partition is in the "
                                 f"target list")
        tick = context.scheduled_execution_time.isoformat()
        order = {partitions_def_name: context.instance.get_dynamic_partitions(partitions_def_name)}
        batches = contiguous_batches(plan_runs(listed, materialized={}, refresh=True), order)
        return [batch_run_request(batch, "refresh", tick, tags={REFRESH_TAG: "scheduled"})
                for batch in batches]

    return _refresh


def refresh_schedules(cron: str = DEFAULT_REFRESH_CRON,
                      adaptive_accounts: bool = False) -> list[dg.ScheduleDefinition]:
    """One schedule per partition set; with ``adaptive_accounts`` none for the accounts, which
    the adaptive refresh sensor (``sensors.adaptive_refresh``) refreshes instead."""
    return [refresh_schedule(name, cron) for name in JOB_BY_PARTITIONS_DEF
            if not (adaptive_accounts and name == ACCOUNTS.name)]
