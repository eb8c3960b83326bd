"""What a target list asks for, against what the Dagster instance already has.

Shared by the sensor, the refresh schedules, ``social-graph collect`` and the raw assets, so
all agree on which partitions exist, which keys a run covers and what each key collects. Pure
functions, but for ``listed_assets``, which reads the target list file.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import dagster as dg

from social_assets.jobs import ASSETS_BY_COLLECT, JOB_BY_PARTITIONS_DEF
from social_assets.partitions import BY_NAME
from social_assets.targets import Target, TargetList

if TYPE_CHECKING:
    from resources.target_list import TargetListResource

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
    """Keys of each partition set that the list names and the instance does not have yet, in
    the list's order: registered side by side, they form one contiguous range, which one
    single-run backfill (and one sensor run) covers."""
    adds: dict[str, list[str]] = {}
    for name in BY_NAME:
        have = set(registered.get(name, ()))
        new = [t.partition_key for t in targets.targets
               if t.partitions_def_name == name and t.partition_key not in have]
        if new:
            adds[name] = new
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
    """Group runs into batches that one run can execute: same partition set, and keys adjacent
    in the partition set's insertion order (a Dagster partition range is contiguous in that
    order). What each key collects does not split a batch: the assets decide that per key."""
    position = {name: {k: i for i, k in enumerate(keys)} for name, keys in order.items()}
    ordered = sorted(runs, key=lambda r: (r.partitions_def,
                                          position[r.partitions_def][r.partition_key]))
    batches: list[list[PlannedRun]] = []
    for run in ordered:
        last = batches[-1][-1] if batches else None
        if (last is not None and last.partitions_def == run.partitions_def
                and position[run.partitions_def][run.partition_key]
                == position[last.partitions_def][last.partition_key] + 1):
            batches[-1].append(run)
        else:
            batches.append([run])
    return batches


REFRESH_TAG = "social/refresh"
"""On a run that wants new snapshots (the refresh schedules, ``collect --refresh``): a result
that landed before the run does not satisfy it."""
WANTED_SINCE_TAG = "social/wanted_since"
"""ISO time from which a result landed by another run satisfies this run (``collect`` sets its
own start; without it, the run's creation)."""


def range_tags(batch: Sequence[PlannedRun]) -> dict[str, str]:
    """The tags that make a run of ``batch``'s job cover its keys, first to last."""
    return {"dagster/asset_partition_range_start": batch[0].partition_key,
            "dagster/asset_partition_range_end": batch[-1].partition_key}


def batch_run_request(batch: Sequence[PlannedRun], source: str, version: str,
                      tags: Mapping[str, str] | None = None) -> dg.RunRequest:
    """One run of the batch's job for its contiguous range of keys (a single key is an ordinary
    partition run). The job selects every asset of its partition set; what each key collects
    is the target list's to say, read by the assets when the run starts.

    Its run key, ``<source>:<first key>..<last key>:<version>``, makes Dagster launch the run
    once per ``version`` (a target list's fingerprint, a schedule's tick)."""
    first = batch[0]
    run_key = f"{source}:{first.partition_key}..{batch[-1].partition_key}:{version}"
    if len(batch) == 1:
        return dg.RunRequest(job_name=first.job_name, partition_key=first.partition_key,
                             run_key=run_key, tags=dict(tags or {}))
    return dg.RunRequest(job_name=first.job_name, run_key=run_key,
                         tags={**(tags or {}), **range_tags(batch)})


def listed_assets(target_list: "TargetListResource", partitions_def: str,
                  log: logging.Logger | None = None) -> dict[str, tuple[str, ...]]:
    """The assets each key of ``partitions_def`` collects, by the target list's rows.

    Read when a run starts, so a backfill from the UI follows the list as the sensor does. A
    list that cannot be read or parsed gives ``{}`` (every key then gets every asset: a lookup
    of both lists costs what one costs), with a warning naming the file and the reason.
    """
    from resources.target_list import TargetFileUnreadable
    from social_assets.targets import TargetListError, parse_targets

    try:
        raw = target_list.read_bytes()
        targets = parse_targets(raw, name=str(target_list.resolved_path()))
    except (TargetFileUnreadable, TargetListError) as exc:
        if log is not None:
            log.warning(f"{exc}; every partition of this run collects all of its lists")
        return {}
    return {t.partition_key: assets_for(t) for t in targets.targets
            if t.partitions_def_name == partitions_def}
