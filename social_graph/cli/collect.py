"""``social-graph collect``: what the sensor and a backfill do, in this process.

Registers the partitions of the target list on the instance at ``$DAGSTER_HOME``, materializes
every (partition, asset) that was never materialized (all of them with ``refresh``) as
single-run batches, one per contiguous range of keys, and sums up what was collected.
"""

import contextlib
import io
import logging
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import dagster as dg

from social_graph.cli.pools import SlotWatch
from social_graph.cli.reaper import process_tag, reap_dead_runs
from social_assets.lookups import API_POOL
from social_assets.partitions import BY_NAME
from social_assets.plan import (RAW_ASSETS, REFRESH_TAG, WANTED_SINCE_TAG, PlannedRun,
                                contiguous_batches, partitions_to_add, plan_runs, range_tags)
from social_assets.targets import RejectedRow, TargetList
from social_assets.warehouse import WAREHOUSE_POOL

BUILD_TAG = "social/collect_run"
"""A tag unique to each run ``collect`` starts, so that its ``SlotWatch`` finds it."""

# Our own progress lines replace Dagster's console log, which prints every engine event.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class Summary:
    targets: TargetList
    planned: list[PlannedRun] = field(default_factory=list)
    rows: Counter = field(default_factory=Counter)
    credits_by_request: dict[str, int] = field(default_factory=dict)  # bought by this collect
    taken: set[str] = field(default_factory=set)  # requests an earlier or other run paid for
    failures: dict[str, str] = field(default_factory=dict)
    warehouse: list[str] = field(default_factory=list)  # one line per built model
    warehouse_error: str | None = None

    @property
    def rejected(self) -> tuple[RejectedRow, ...]:
        return self.targets.rejected

    @property
    def credits(self) -> int:
        return sum(self.credits_by_request.values())

    def lines(self, data_dir: Path, dagster_home: Path) -> list[str]:
        accounts, posts = len(self.targets.accounts()), len(self.targets.posts())
        out = [f"targets: {accounts + posts} ({accounts} accounts, {posts} posts); "
               f"{len(self.planned)} needed a lookup"]
        out.append("rows: " + (", ".join(f"{a} {self.rows[a]}" for a in RAW_ASSETS)))
        taken = (f"; {len(self.taken)} more results paid for by an earlier or another run"
                 if self.taken else "")
        out.append(f"credits: {self.credits} ({len(self.credits_by_request)} lookups{taken})")
        out.append(f"rejected rows: {len(self.rejected)}")
        out += [f"  {r}" for r in self.rejected]
        out.append(f"failures: {len(self.failures)}")
        out += [f"  {key}: {reason}" for key, reason in sorted(self.failures.items())]
        if self.warehouse_error:
            out.append(f"warehouse: FAILED {self.warehouse_error}")
        elif self.warehouse:
            out.append(f"warehouse: {len(self.warehouse)} assets built")
            out += [f"  {line}" for line in self.warehouse]
        out.append(f"data: {data_dir / 'raw'}/{{followers,following,repliers}}/")
        out.append(f"dagster instance: {dagster_home}")
        return out


def collect(defs: dg.Definitions, instance: dg.DagsterInstance, targets: TargetList,
            *, refresh: bool = False, say: Callable[[str], None] = print,
            targets_path: Path | None = None, resources: dict | None = None) -> Summary:
    """Register, plan and run; returns the summary (``failures`` names each failed target).

    ``targets_path`` is the file ``targets`` was read from: the runs' ``target_list`` resource
    reads it (what each account collects), as the sensor's runs read ``$SOCIAL_TARGETS_FILE``.
    ``resources`` is the runs' resource config (``social_graph.cli.run_config``).
    """
    summary = Summary(targets=targets)
    # A result another collection lands from now on satisfies this one (two collects started
    # together pay once); with refresh, only such results do.
    run_tags = {WANTED_SINCE_TAG: datetime.now(timezone.utc).isoformat(),
                **({REFRESH_TAG: "collect"} if refresh else {})}
    reap_dead_runs(instance, say)
    registered = {name: instance.get_dynamic_partitions(name) for name in BY_NAME}
    for name, keys in partitions_to_add(targets, registered).items():
        instance.add_dynamic_partitions(name, keys)
        say(f"registered {len(keys)} new {name} partition(s)")

    materialized = {a: instance.get_materialized_partitions(dg.AssetKey(a)) for a in RAW_ASSETS}
    summary.planned = plan_runs(targets.targets, materialized, refresh=refresh)
    if not targets.targets:
        say("nothing to collect: the target list names no usable target")
        return summary
    if not summary.planned:
        say("nothing to collect: every target is already materialized "
            "(--refresh takes a new snapshot)")
        return summary

    order = {name: instance.get_dynamic_partitions(name) for name in BY_NAME}
    batches = contiguous_batches(summary.planned, order)
    say(f"collecting {len(summary.planned)} target(s) in {len(batches)} run(s)")
    with _progress(len(summary.planned), say):
        run_config = {**QUIET, "resources": dict(resources or {})}
        if targets_path is not None:
            run_config["resources"]["target_list"] = {"config": {
                **run_config["resources"].get("target_list", {}).get("config", {}),
                "path": str(targets_path)}}
        for batch in batches:
            _run_batch(defs, instance, batch, summary, run_config, run_tags, say)
    return summary


def build_warehouse(defs: dg.Definitions, instance: dg.DagsterInstance, summary: Summary,
                    say: Callable[[str], None] = print) -> None:
    """Run ``warehouse_job`` (dbt build, the export) over everything collected so far."""
    say("building the warehouse (dbt build) ...")
    dbt_log = io.StringIO()  # dbt's own console log: shown only when the build fails
    # Tagged with this process, so that a collect killed mid-build is closed by the next one.
    tags = {"social/launched_by": "social-graph collect", **process_tag(),
            BUILD_TAG: uuid.uuid4().hex}
    with SlotWatch(instance, WAREHOUSE_POOL, {BUILD_TAG: tags[BUILD_TAG]}, say), \
            contextlib.redirect_stdout(dbt_log):
        result = defs.resolve_job_def("warehouse_job").execute_in_process(
            instance=instance, raise_on_error=False, run_config=QUIET, tags=tags)
    for event in result.get_asset_materialization_events():
        mat = event.materialization
        rows = mat.metadata.get("dagster/row_count")
        name = mat.asset_key.to_user_string()
        summary.warehouse.append(f"{name}: {rows.value} rows" if rows is not None else name)
    if not result.success:
        summary.warehouse_error = _failure_reasons(result).get("", "warehouse_job failed")
        say("\n".join(dbt_log.getvalue().splitlines()[-40:]))


def _run_batch(defs: dg.Definitions, instance: dg.DagsterInstance, batch: list[PlannedRun],
               summary: Summary, run_config: dict, run_tags: dict[str, str],
               say: Callable[[str], None]) -> None:
    tags = {**run_tags, **range_tags(batch), "social/launched_by": "social-graph collect",
            **process_tag(), BUILD_TAG: uuid.uuid4().hex}
    with SlotWatch(instance, API_POOL, {BUILD_TAG: tags[BUILD_TAG]}, say):
        result = defs.resolve_job_def(batch[0].job_name).execute_in_process(
            instance=instance, tags=tags, raise_on_error=False, run_config=run_config)

    done = set()
    for event in result.get_asset_materialization_events():
        mat = event.materialization
        meta = mat.metadata
        summary.rows[mat.asset_key.to_user_string()] += meta["dagster/row_count"].value
        request_id = meta["nyne/request_id"].value
        if meta["nyne/resumed"].value:
            summary.taken.add(request_id)
        else:
            summary.credits_by_request[request_id] = meta["nyne/request_credits"].value
        done.add(mat.partition)
    if result.success:
        return
    reasons = _failure_reasons(result)
    for run in batch:
        if run.partition_key not in done:
            summary.failures[run.partition_key] = reasons.get(run.partition_key, reasons.get(""))


def _failure_reasons(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """Per-key reasons from the step's ``dg.Failure`` metadata; ``""`` holds the run's error
    for keys it does not name (a resource that could not start, a missing variable, ...)."""
    reasons: dict[str, str] = {}
    for event in result.get_step_failure_events():
        data = event.step_failure_data
        user = data.user_failure_data
        if user is not None and "failures" in user.metadata:
            reasons.update(user.metadata["failures"].value)
        reasons.setdefault("", _root_cause(data.error) if data.error else "step failed")
    run_failure = result.get_run_failure_event()
    if run_failure is not None:
        reasons.setdefault("", run_failure.message or "run failed")
    return reasons


def _root_cause(error) -> str:
    """The innermost error's message: the outer ones only say which step failed."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


class _progress:
    """Prints one line per finished lookup, as the assets report them."""

    def __init__(self, total: int, say: Callable[[str], None]):
        self.total, self.say, self.count = total, say, 0
        self.handler = logging.Handler()
        self.handler.emit = self._emit  # type: ignore[method-assign]
        self.logger = logging.getLogger("social_assets.progress")

    def _emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.say(f"  [{self.count}/{self.total}] {record.getMessage()}")

    def __enter__(self):
        self.logger.addHandler(self.handler)
        self.logger.setLevel(logging.INFO)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        sys.stdout.flush()
