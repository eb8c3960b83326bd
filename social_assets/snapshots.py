"""From one landed result to its Parquet snapshots and manifest rows: the only place rows are made.

The materializations and ``social-graph rebuild`` both call ``write_snapshots``, and it reads
nothing but the landing record, so the same record always gives the same files: the file path
comes from the asset, target and request id; ``fetched_at`` from the answer's ``completed_on``
(else the moment it was received, which the record keeps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import dagster as dg
import pyarrow as pa

from resources.lookups.landing import Landed
from social_assets.parquet import (SNAPSHOTS_SCHEMA, edge_table, parse_timestamp,
                                   repliers_table, snapshot_path, write_snapshot)
from social_assets.partitions import ACCOUNTS, POSTS
from social_assets.targets import parse_partition_key

LISTS = ("followers", "following")
MANIFEST = "snapshots"  # raw/snapshots/: one row per landed list, empty or not


@dataclass(frozen=True)
class Snapshot:
    """One Parquet file written for one asset and partition from one API request."""

    asset: str
    path: Path
    rows: int
    request_id: str
    credits: int  # counted once: the request's charge on its first list, 0 on the second
    total_count: int | None  # the API's total for this list (None when it gave only both's)
    truncated: bool
    shared_with: tuple[str, ...] = ()
    via: str = "poll"  # how the result came: "poll" or "callback"
    resumed: bool = False  # picked up from an earlier attempt's request: nothing new was bought
    run_credits: int | None = None  # credits this run's own submits committed, all keys
    request_credits: int = 0  # what the request cost
    request_total_count: int | None = None  # the API's total_count of the whole request
    max_results: int = 1000

    def metadata(self) -> dict:
        meta = {
            "dagster/row_count": dg.MetadataValue.int(self.rows),
            "nyne/request_id": dg.MetadataValue.text(self.request_id),
            # Counted once: a followers,following lookup's 3 credits are on its followers
            # partition, 0 on its following one, so summing over partitions gives what was paid.
            "nyne/credits": dg.MetadataValue.int(self.credits),
            "nyne/request_credits": dg.MetadataValue.int(self.request_credits),
            "nyne/truncated": dg.MetadataValue.bool(self.truncated),
            "nyne/max_results": dg.MetadataValue.int(self.max_results),
            "path": dg.MetadataValue.path(str(self.path)),
        }
        if self.total_count is not None:
            meta["nyne/total_count"] = dg.MetadataValue.int(self.total_count)
        if self.request_total_count is not None:
            meta["nyne/request_total_count"] = dg.MetadataValue.int(self.request_total_count)
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
    """Write the record's Parquet files under ``raw_root/<asset>/``, then its rows of the
    snapshot manifest (``raw_root/snapshots/``: one per list, empty or not); raises on a result
    that cannot be read (``UnknownResultShape``, a missing list), before writing anything."""
    job = landed.job()
    result = job.result
    if result is None:
        raise ValueError(f"landed request {landed.request_id} holds no completed result")
    max_results = int(landed.lookup.get("max_results") or 1000)
    fetched_at = parse_timestamp(job.completed_on) or landed.received_at
    wanted = assets_of(landed)
    if landed.lookup["interaction_type"] == "replies":
        platform, target = parse_partition_key(POSTS.name, landed.target)
        target_username = result.target_username
        tables = {"repliers": repliers_table(
            result.interactions, platform=platform, tweet_id=target,
            target_username=target_username, request_id=landed.request_id,
            fetched_at=fetched_at)}
    else:
        platform, target = parse_partition_key(ACCOUNTS.name, landed.target)
        target_username = target
        tables = {}
        for name in wanted:  # every list is checked before any file is written
            entries = result.followers if name == "followers" else result.following
            if entries is None:
                raise ValueError(f"the {landed.lookup['interaction_type']} result of request "
                                 f"{landed.request_id} has no {name} list")
            tables[name] = edge_table(entries, platform=platform, target_username=target,
                                      request_id=landed.request_id, fetched_at=fetched_at)
    alone = len(wanted) == 1
    totals = _list_totals(result, wanted) if not alone else {wanted[0]: result.total_count}
    snaps = []
    for rank, (name, table) in enumerate(tables.items()):
        path = write_snapshot(table, snapshot_path(raw_root / name, platform=platform,
                                                   target=target, request_id=landed.request_id))
        # One rule, here: dbt reads it from the manifest. A compound lookup's total counts
        # both lists, so only a list's own size can say it reached the cap.
        truncated = table.num_rows >= max_results or (alone and result.is_truncated(max_results))
        snaps.append(Snapshot(
            name, path, table.num_rows, request_id=landed.request_id,
            credits=result.credits if rank == 0 else 0, request_credits=result.credits,
            total_count=totals.get(name),
            request_total_count=result.total_count, truncated=truncated,
            shared_with=tuple(w for w in wanted if w != name), max_results=max_results))
    write_manifest(snaps, raw_root, platform=platform, target=target,
                   target_username=target_username, fetched_at=fetched_at)
    return snaps


def _list_totals(result, wanted: list[str]) -> dict[str, int]:
    """Each list's own total in a followers,following answer, whose ``total_count`` counts both
    together: known only when that total is exactly what the two lists hold (nothing was cut)."""
    sizes = {name: len((result.followers if name == "followers" else result.following) or [])
             for name in wanted}
    return sizes if result.total_count == sum(sizes.values()) else {}


def write_manifest(snaps: list[Snapshot], raw_root: Path, *, platform: str, target: str,
                   target_username: str | None, fetched_at: datetime) -> Path:
    """The request's rows of the snapshot manifest, written after its list files."""
    rows = [{"request_id": s.request_id, "list_type": s.asset, "platform": platform,
             "target": target, "target_username": target_username, "fetched_at": fetched_at,
             "rows_returned": s.rows, "max_results": s.max_results,
             "list_total_count": s.total_count, "request_total_count": s.request_total_count,
             "is_truncated": s.truncated, "credits": s.credits,
             "request_credits": s.request_credits,
             "shared_request_with": ",".join(s.shared_with) or None} for s in snaps]
    table = pa.Table.from_pylist(rows, schema=SNAPSHOTS_SCHEMA)
    return write_snapshot(table, snapshot_path(raw_root / MANIFEST, platform=platform,
                                               target=target, request_id=snaps[0].request_id))
