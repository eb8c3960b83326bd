"""From one landed result to its Parquet snapshots: the only place rows are made.

The materializations and ``social-graph rebuild`` both call ``write_snapshots``, and it reads
nothing but the landing record, so the same record always gives the same files: the file path
comes from the asset, target and request id; ``fetched_at`` from the answer's ``completed_on``
(else the moment it was received, which the record keeps).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from resources.lookups.landing import Landed
from social_assets.parquet import (edge_table, parse_timestamp, repliers_table, snapshot_path,
                                   write_snapshot)
from social_assets.partitions import ACCOUNTS, POSTS
from social_assets.targets import parse_partition_key

LISTS = ("followers", "following")


@dataclass(frozen=True)
class Snapshot:
    """One Parquet file written for one asset and partition from one API request."""

    asset: str
    path: Path
    rows: int
    request_id: str
    credits: int
    total_count: int | None
    truncated: bool
    shared_with: tuple[str, ...] = ()
    via: str = "poll"  # how the result came: "poll" or "callback"
    resumed: bool = False  # picked up from an earlier attempt's request: nothing new was bought
    run_credits: int | None = None  # credits this run's own submits committed, all keys

    def metadata(self) -> dict:
        meta = {
            "dagster/row_count": dg.MetadataValue.int(self.rows),
            "nyne/request_id": dg.MetadataValue.text(self.request_id),
            # Credits are charged per request: a followers,following lookup's 3 credits show on
            # both assets, flagged by nyne/shared_request_with so totals count them once.
            "nyne/credits": dg.MetadataValue.int(self.credits),
            "nyne/truncated": dg.MetadataValue.bool(self.truncated),
            "path": dg.MetadataValue.path(str(self.path)),
        }
        if self.total_count is not None:
            meta["nyne/total_count"] = dg.MetadataValue.int(self.total_count)
        if self.shared_with:
            meta["nyne/shared_request_with"] = dg.MetadataValue.text(",".join(self.shared_with))
        meta["nyne/via"] = dg.MetadataValue.text(self.via)
        meta["nyne/resumed"] = dg.MetadataValue.bool(self.resumed)
        if self.run_credits is not None:
            meta["nyne/run_credits"] = dg.MetadataValue.int(self.run_credits)
        return meta


def assets_of(landed: Landed) -> list[str]:
    """The raw assets a record feeds: ``repliers``, or the lists its type asked for."""
    kind = landed.lookup["interaction_type"]
    return ["repliers"] if kind == "replies" else [n for n in LISTS if n in kind.split(",")]


def write_snapshots(landed: Landed, raw_root: Path) -> list[Snapshot]:
    """Write the record's Parquet files under ``raw_root/<asset>/``; raises on a result that
    cannot be read (``UnknownResultShape``, a missing list), before writing anything."""
    job = landed.job()
    result = job.result
    if result is None:
        raise ValueError(f"landed request {landed.request_id} holds no completed result")
    max_results = int(landed.lookup.get("max_results") or 1000)
    fetched_at = parse_timestamp(job.completed_on) or landed.received_at
    common = dict(request_id=landed.request_id, credits=result.credits,
                  total_count=result.total_count)
    if landed.lookup["interaction_type"] == "replies":
        platform, tweet_id = parse_partition_key(POSTS.name, landed.target)
        table = repliers_table(result.interactions, platform=platform, tweet_id=tweet_id,
                               target_username=result.target_username,
                               request_id=landed.request_id, fetched_at=fetched_at)
        path = write_snapshot(table, snapshot_path(raw_root / "repliers", platform=platform,
                                                   target=tweet_id, request_id=landed.request_id))
        return [Snapshot("repliers", path, table.num_rows,
                         truncated=result.is_truncated(max_results), **common)]

    platform, username = parse_partition_key(ACCOUNTS.name, landed.target)
    wanted = assets_of(landed)
    tables = {}
    for name in wanted:  # every list is checked before any file is written
        entries = result.followers if name == "followers" else result.following
        if entries is None:
            raise ValueError(f"the {landed.lookup['interaction_type']} result of request "
                             f"{landed.request_id} has no {name} list")
        tables[name] = edge_table(entries, platform=platform, target_username=username,
                                  request_id=landed.request_id, fetched_at=fetched_at)
    snaps = []
    for name, table in tables.items():
        path = write_snapshot(table, snapshot_path(raw_root / name, platform=platform,
                                                   target=username, request_id=landed.request_id))
        truncated = table.num_rows >= max_results or (
            len(wanted) == 1 and result.is_truncated(max_results))
        snaps.append(Snapshot(name, path, table.num_rows, truncated=truncated,
                              shared_with=tuple(w for w in wanted if w != name), **common))
    return snaps
