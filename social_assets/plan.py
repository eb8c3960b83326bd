"""What a target list asks for, against what the Dagster instance already has.

Pure functions shared by the sensor, the refresh schedules and ``social-graph collect``, so all
three agree on which partitions exist and which (partition, assets) pairs a run should cover.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from social_assets.jobs import ASSETS_BY_COLLECT, JOB_BY_PARTITIONS_DEF
from social_assets.partitions import BY_NAME
from social_assets.targets import Target, TargetList

RAW_ASSETS = ("followers", "following", "repliers")


@dataclass(frozen=True)
class PlannedRun:
    """Materialize ``assets`` (sorted asset names) for one partition of ``partitions_def``."""

    partitions_def: str
    partition_key: str
    assets: tuple[str, ...]

    @property
    def job_name(self) -> str:
        return JOB_BY_PARTITIONS_DEF[self.partitions_def].name


def assets_for(target: Target) -> tuple[str, ...]:
    return tuple(sorted(ASSETS_BY_COLLECT[c] for c in target.collect))


def partitions_to_add(targets: TargetList, registered: Mapping[str, Iterable[str]]
                      ) -> dict[str, list[str]]:
    """Keys of each partition set that the list names and the instance does not have yet.

    New keys are ordered by what their rows collect (file order within that): a partition range
    is contiguous in insertion order and one run covers one asset selection, so keys that want
    the same assets, registered side by side, backfill as one run instead of many.
    """
    adds: dict[str, list[str]] = {}
    for name in BY_NAME:
        have = set(registered.get(name, ()))
        new = [t for t in targets.targets
               if t.partitions_def_name == name and t.partition_key not in have]
        if new:
            adds[name] = [t.partition_key for t in sorted(new, key=assets_for)]
    return adds


def partitions_to_delete(targets: TargetList, registered: Mapping[str, Iterable[str]]
                         ) -> dict[str, list[str]]:
    """Registered keys whose rows are no longer in the list (used only when pruning is on)."""
    deletes: dict[str, list[str]] = {}
    for name in BY_NAME:
        wanted = {t.partition_key for t in targets.targets if t.partitions_def_name == name}
        gone = [k for k in registered.get(name, ()) if k not in wanted]
        if gone:
            deletes[name] = gone
    return deletes


def plan_runs(targets: Sequence[Target], materialized: Mapping[str, set[str]],
              refresh: bool = False) -> list[PlannedRun]:
    """For each target, the assets its ``collect`` asks for that were never materialized for its
    partition (all of them when ``refresh``); targets with nothing to do are left out."""
    runs = []
    for target in targets:
        assets = assets_for(target)
        if not refresh:
            assets = tuple(a for a in assets
                           if target.partition_key not in materialized.get(a, set()))
        if assets:
            runs.append(PlannedRun(target.partitions_def_name, target.partition_key, assets))
    return runs


def contiguous_batches(runs: Sequence[PlannedRun], order: Mapping[str, Sequence[str]]
                       ) -> list[list[PlannedRun]]:
    """Group runs into batches that one single-run backfill can execute: same partition set,
    same assets, and keys adjacent in the partition set's insertion order (a Dagster partition
    range is contiguous in that order)."""
    position = {name: {k: i for i, k in enumerate(keys)} for name, keys in order.items()}
    ordered = sorted(runs, key=lambda r: (r.partitions_def, r.assets,
                                          position[r.partitions_def][r.partition_key]))
    batches: list[list[PlannedRun]] = []
    for run in ordered:
        last = batches[-1][-1] if batches else None
        if (last is not None and (last.partitions_def, last.assets) == (run.partitions_def, run.assets)
                and position[run.partitions_def][run.partition_key]
                == position[last.partitions_def][last.partition_key] + 1):
            batches[-1].append(run)
        else:
            batches.append([run])
    return batches
