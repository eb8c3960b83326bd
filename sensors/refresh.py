"""The refresh schedules: a new snapshot of every registered partition, on a cron.

One schedule per partition set (a run covers one set). A tick requests, for every partition
that is registered and still in the target list, the assets its row's ``collect`` asks for.
Partitions whose rows were removed from the list are not refreshed: they cost credits for a
target nobody asked for any more. Cron: ``$SOCIAL_REFRESH_CRON``, weekly by default.
"""

import dagster as dg

from resources.target_list import TargetListResource
from social_assets.jobs import JOB_BY_PARTITIONS_DEF
from social_assets.plan import plan_runs
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
        return [
            dg.RunRequest(
                partition_key=run.partition_key,
                asset_selection=[dg.AssetKey(a) for a in run.assets],
                run_key=f"refresh:{run.partition_key}:{'+'.join(run.assets)}:{tick}",
                tags={"social/refresh": "scheduled"},
            )
            for run in plan_runs(listed, materialized={}, refresh=True)
        ]

    return _refresh


def refresh_schedules(cron: str = DEFAULT_REFRESH_CRON) -> list[dg.ScheduleDefinition]:
    return [refresh_schedule(name, cron) for name in JOB_BY_PARTITIONS_DEF]
