"""Reading what a run and the backfill daemon stored: the run's event log, the daemon's log
lines about the backfill, the partitions materialized on the instance."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional

from benchmarks.ui_backfill.settings import ASSETS


@dataclass
class RunTimeline:
    """What the run's event log says (timestamps are epoch seconds)."""

    counts: dict[str, int]
    first: dict[str, float]
    last: dict[str, float]
    mats: dict[str, int]  # materializations per asset in this run
    mat_times: list[tuple[float, str, str, Optional[str]]]  # (ts, asset, partition, request_id)
    logs_by_key: dict[str, float]  # the "<key>: ..." progress line of each key
    step_failure: Optional[str]


def read_timeline(home: Path, run_id: str) -> RunTimeline:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        entries = instance.all_logs(run_id)
    counts: Counter = Counter()
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    mats: Counter = Counter()
    mat_times = []
    logs_by_key: dict[str, float] = {}
    failure = None
    for entry in entries:
        event = entry.dagster_event
        kind = event.event_type_value if event is not None else "LOG_MESSAGE"
        kind = kind.replace("PIPELINE_", "RUN_")  # the stored names of run events
        counts[kind] += 1
        first.setdefault(kind, entry.timestamp)
        last[kind] = entry.timestamp
        if kind == "ASSET_MATERIALIZATION":
            mat = entry.asset_materialization
            asset = mat.asset_key.to_user_string()
            mats[asset] += 1
            rid = mat.metadata.get("nyne/request_id")
            mat_times.append((entry.timestamp, asset, mat.partition,
                              getattr(rid, "value", None) if rid is not None else None))
        elif kind == "LOG_MESSAGE":
            message = entry.user_message or ""
            key = message.split(":", 1)[0]
            if key.startswith("tw_") and ": " in message:
                logs_by_key.setdefault(key, entry.timestamp)
        elif kind == "STEP_FAILURE" and failure is None:
            failure = (event.step_failure_data.error.message if event.step_failure_data
                       and event.step_failure_data.error else entry.user_message)
    return RunTimeline(dict(counts), first, last, dict(mats), mat_times, logs_by_key, failure)


def materialized_counts(home: Path) -> dict[str, int]:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        return {a: len(instance.get_materialized_partitions(dg.AssetKey(a))) for a in ASSETS}


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_DAEMON_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}) - "
                          r"dagster\.daemon\.BackfillDaemon - \w+ - (.*)$")


def daemon_log(path: Path, backfill_id: str) -> list[tuple[float, str]]:
    """The backfill daemon's lines about this backfill in ``dagster dev``'s output (OSS keeps
    no backfill log storage, so its GraphQL ``logEvents`` is empty). The lines carry whole
    seconds: each time is the middle of its second (+-0.5 s)."""
    lines = []
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return []
    for raw in text.splitlines():
        match = _DAEMON_LINE.match(_ANSI.sub("", raw))
        if match and backfill_id in match.group(2):
            at = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S %z").timestamp() + 0.5
            lines.append((at, match.group(2)))
    return lines
