"""A synthetic collection of raw follow snapshots, written exactly as the raw assets write them.

``targets`` accounts (70 % Twitter, 30 % Instagram) each get one ``followers`` and one
``following`` snapshot; a quarter of them also get a second, later ``followers`` snapshot (a
refresh in which 5 % of the followers were replaced: unfollows and new follows). List sizes
are heavy-tailed (Pareto for followers, log-normal for following). Members are drawn from a
pool of accounts with Zipf-like popularity whose most popular members are the targets
themselves, so targets follow each other and mutual follows exist. A list holds each member
once, as the API's lists do, but for a few repeated rows (``DUPLICATE_SHARE``: the API now and
then lists an account twice), which staging removes. No list names its own target (with
self-listings, the dbt test ``assert_follower_changes_chain_to_the_latest_list`` fails:
``int_snapshots.row_count`` counts the self row that ``int_follow_edges`` drops).

Everything is numpy/pyarrow-vectorised: 10M rows take about a minute (65 s in `make bench`), a
quarter of it drawing distinct members, most of the rest Parquet writing.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from social_assets.parquet import EDGE_SCHEMA, ensure_schema_files, snapshot_path, write_snapshot
from social_assets.snapshots import Snapshot, write_manifest

FIRST_FETCH = datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc)
REFRESH_AFTER = timedelta(days=7)
FOLLOWERS_SHARE = 0.8  # of all rows; the rest are following lists
REFRESHED_SHARE = 0.25  # of targets with a second followers snapshot
CHURN = 0.05  # of a refreshed list replaced by new followers
DUPLICATE_SHARE = 0.002  # of a list's rows that repeat one of its members
# The lists are not cut: the lookup "asked for" more than any list holds (no truncation flags).
MAX_RESULTS = 100_000_000


@dataclass(frozen=True)
class Collection:
    """What was written: rows per raw asset, snapshot files, targets, the account pool."""

    followers_rows: int
    following_rows: int
    snapshots: int
    targets: int
    pool: int

    @property
    def rows(self) -> int:
        return self.followers_rows + self.following_rows


def _split(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Integer sizes >= 1 about proportional to ``weights``, none over its cap, that add up to
    ``total`` (or to the caps' sum, if less): what a capped size cannot take goes to the
    others, in proportion."""
    goal = min(total, int(caps.sum()))
    sizes = np.ones(len(weights), np.int64)
    while (left := goal - int(sizes.sum())) > 0:
        open_weights = np.where(sizes < caps, weights, 0.0)
        share = np.floor(left * open_weights / open_weights.sum()).astype(np.int64)
        if not share.any():  # fewer rows left than it takes to share them: one each
            share[np.argsort(-open_weights)[:left]] = 1
        sizes = np.minimum(caps, sizes + share)
    return sizes


def _names(prefix: str, ids: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(ids), pa.string()), "")


def generate(raw_root: Path, *, edges: int, targets: int = 2000, seed: int = 7) -> Collection:
    """About ``edges`` follow rows under ``raw_root/{followers,following}/``, plus the
    schema-only files (no repliers): the list sizes add up to ``edges`` (given ``targets`` <=
    edges / 4; a list is at most half the pool), and the repeated rows add DUPLICATE_SHARE."""
    rng = np.random.default_rng(seed)
    targets = max(2, min(targets, edges // 4))
    pool = max(edges // 4, targets * 10)
    popularity = np.cumsum(1.0 / (np.arange(pool) + 10.0) ** 0.8)
    popularity /= popularity[-1]

    def draw(n: int, target: int, taken: np.ndarray | None = None) -> np.ndarray:
        """``n`` distinct pool ids by popularity (at most half the pool), never ``target``
        itself (nobody follows themselves) nor one of ``taken``, in random order."""
        n = min(n, pool // 2)
        excluded = np.append(np.asarray([] if taken is None else taken, np.int64), target)
        chosen = np.empty(0, np.int64)
        for _ in range(8):  # popular accounts repeat: draw again for what is still missing
            wanted = n - chosen.size
            if wanted <= 0:
                break
            drawn = np.minimum(np.searchsorted(popularity, rng.random(wanted * 2)), pool - 1)
            fresh = np.setdiff1d(np.unique(drawn), np.union1d(chosen, excluded))
            chosen = np.union1d(chosen, rng.permutation(fresh)[:wanted])
        if chosen.size < n:  # the rest uniformly among the accounts not drawn yet
            rest = np.setdiff1d(np.arange(pool), np.union1d(chosen, excluded))
            chosen = np.union1d(chosen, rng.choice(rest, n - chosen.size, replace=False))
        return rng.permutation(chosen)

    def with_repeats(members: np.ndarray) -> np.ndarray:
        """The list as the API returns it: a few members listed twice."""
        repeats = rng.binomial(members.size, DUPLICATE_SHARE)
        return np.concatenate([members, rng.choice(members, repeats)]) if repeats else members

    ids = np.arange(pool)
    names = _names("u", ids)
    display = _names("User ", ids)
    followers_count = (rng.pareto(1.1, pool) * 50).astype(np.int64)
    following_count = rng.lognormal(5, 1, pool).astype(np.int64)
    verified = pa.array(ids < targets // 4)
    platforms = np.where(np.arange(targets) % 10 < 3, "instagram", "twitter")

    refreshed = rng.random(targets) < REFRESHED_SHARE
    weight = rng.pareto(1.2, targets) + 1.0
    cap = pool // 2  # a list holds at most half the accounts (each member once)
    follower_sizes = _split(int(edges * FOLLOWERS_SHARE), weight * (1 + refreshed),
                            cap * (1 + refreshed))
    follower_sizes = np.maximum(1, follower_sizes // (1 + refreshed))
    following_total = edges - int((follower_sizes * (1 + refreshed)).sum())
    following_sizes = _split(following_total, rng.lognormal(0, 1, targets),
                             np.full(targets, cap))

    # (asset, target, fetched_at, members) per snapshot, members as pool ids
    snapshots = []
    for target in range(targets):
        first = draw(follower_sizes[target], target)
        snapshots.append(("followers", target, FIRST_FETCH, with_repeats(first)))
        if refreshed[target]:
            churned = rng.random(first.size) < CHURN
            second = np.concatenate([first[~churned],
                                     draw(int(churned.sum()), target, taken=first)])
            snapshots.append(("followers", target, FIRST_FETCH + REFRESH_AFTER,
                              with_repeats(rng.permutation(second))))
        following = draw(following_sizes[target], target)
        snapshots.append(("following", target, FIRST_FETCH, with_repeats(following)))

    rows = {"followers": 0, "following": 0}
    writer, writes = ThreadPoolExecutor(max_workers=os.cpu_count() or 2), []
    for number, (asset, target, fetched_at, members) in enumerate(snapshots):
        request_id = f"interaction_bench_{number:07d}"
        n = members.size
        take = pa.array(members)
        table = pa.Table.from_arrays([
            pa.array([str(platforms[target])] * n, pa.string()),
            pa.array([f"u{target}"] * n, pa.string()),
            names.take(take), pa.nulls(n, pa.string()),  # account_id: none (the flat shape)
            display.take(take), pa.nulls(n, pa.string()),
            pa.nulls(n, pa.string()), pa.array(followers_count[members]),
            pa.array(following_count[members]), verified.take(take),
            pa.array([request_id] * n, pa.string()),
            pa.array([fetched_at] * n, pa.timestamp("us", tz="UTC")),
            pa.nulls(n, pa.string()),
        ], schema=EDGE_SCHEMA)
        path = snapshot_path(raw_root / asset, platform=str(platforms[target]),
                             target=f"u{target}", request_id=request_id)
        writes.append(writer.submit(_write, raw_root, asset, table, path, str(platforms[target]),
                                    f"u{target}", request_id, fetched_at))
        rows[asset] += n
    for write in writes:
        write.result()
    writer.shutdown()
    ensure_schema_files(raw_root)
    return Collection(followers_rows=rows["followers"], following_rows=rows["following"],
                      snapshots=len(snapshots), targets=targets, pool=pool)


def _write(raw_root: Path, asset: str, table: pa.Table, path: Path, platform: str, target: str,
           request_id: str, fetched_at: datetime) -> None:
    """The list's file, then its row of the snapshot manifest (as the raw assets write them)."""
    write_snapshot(table, path)  # Parquet releases the GIL: the pool writes in parallel
    n = table.num_rows
    snap = Snapshot(asset, path, n, request_id=request_id, credits=3 if n else 0,
                    request_credits=3 if n else 0, total_count=n, request_total_count=n,
                    truncated=False, max_results=MAX_RESULTS)
    write_manifest([snap], raw_root, platform=platform, target=target, target_username=target,
                   fetched_at=fetched_at)


def add_snapshot(raw_root: Path, *, rows: int, pool: int, target: int = 5,
                 seed: int = 11) -> str:
    """One more followers snapshot of target ``u<target>`` (a Twitter target: index % 10 >= 3),
    ``rows`` followers drawn from the pool, taken a day after every other snapshot: what the
    incremental build takes in. Returns its request id."""
    rng = np.random.default_rng(seed)
    members = np.unique(rng.integers(0, pool, rows * 2))[:rows]
    members = members[members != target]
    n = members.size
    request_id = f"interaction_bench_new_{seed}"
    fetched_at = FIRST_FETCH + REFRESH_AFTER + timedelta(days=1)
    ids = pa.array(members)
    table = pa.Table.from_arrays([
        pa.array(["twitter"] * n, pa.string()), pa.array([f"u{target}"] * n, pa.string()),
        _names("u", members), pa.nulls(n, pa.string()),  # account_id: none (the flat shape)
        _names("User ", members), pa.nulls(n, pa.string()),
        pa.nulls(n, pa.string()), pa.array(rng.integers(0, 5000, n)),
        pa.array(rng.integers(0, 900, n)), pc.less(ids, 0), pa.array([request_id] * n),
        pa.array([fetched_at] * n, pa.timestamp("us", tz="UTC")), pa.nulls(n, pa.string()),
    ], schema=EDGE_SCHEMA)
    path = snapshot_path(raw_root / "followers", platform="twitter", target=f"u{target}",
                         request_id=request_id)
    _write(raw_root, "followers", table, path, "twitter", f"u{target}", request_id, fetched_at)
    return request_id

