"""The synthetic, deterministic social world the simulator answers from.

Contract:
- Same `world_seed` and sizes -> the same accounts, edges and posts, in any process (all
  randomness comes from `random.Random(int)` and hashlib, never from Python's salted `hash`).
- The follow graph is one edge set per epoch; followers and following are both read from it,
  so B is in followers(A) exactly when A is in following(B), at every epoch.
- At epoch e each base edge is absent with probability `churn` (a hash of the edge and e),
  and about `churn * |base edges|` new edges appear; isolated notables never gain any.
- An account named in `churn_rates` ("platform:username" -> p) is the exception: the edges
  into it persist and flip with probability p per epoch (persistent.py), so its changes
  accumulate with the time between two snapshots.
- `renames` (renames.py) change an account's handle from an epoch on, never its id or edges.
- Lists come most recent follow first (base edges are ordered by a hash standing in for the
  follow date; an epoch's new edges are newer than every base edge).
"""

from __future__ import annotations

import random
import threading
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from typing import Any, Sequence

from simulator.accounts import Account, h64, make_account
from simulator.config import DEFAULT_WORLD_SIZE
from simulator.notables import BY_PLATFORM, Notable
from simulator.persistent import PersistentChurn
from simulator.posts import Post, Posts
from simulator.renames import Handles


@dataclass(frozen=True)
class Graph:
    """One epoch's follow graph: per account index, most recent first."""

    followers: tuple[tuple[int, ...], ...]
    following: tuple[tuple[int, ...], ...]


class PlatformWorld:
    """Accounts and follow edges of one platform."""

    def __init__(self, seed: int, platform: str, size: int) -> None:
        self.seed, self.platform = seed, platform
        rng = random.Random(h64(seed, platform, "accounts"))
        notables = BY_PLATFORM[platform]
        self.accounts: list[Account] = []
        taken = {n.username for n in notables}
        for idx in range(max(size, len(notables))):
            notable = notables[idx] if idx < len(notables) else None
            self.accounts.append(make_account(rng, platform, idx, notable, taken))
        self.by_username = {a.username: a for a in self.accounts}
        self._ordinary = list(range(len(notables), len(self.accounts)))
        weights = [rng.paretovariate(1.1) for _ in self._ordinary]
        self._cum_weights = list(accumulate(weights))
        self.base_edges = self._base_edges(rng, notables)
        self._graphs: dict[tuple, Graph] = {}
        self._persistent = PersistentChurn(seed, platform, self.base_edges, self._ordinary)
        self._posts: Posts | None = None
        self._lock = threading.Lock()

    def account(self, username: str) -> Account | None:
        return self.by_username.get(username.lower())

    def graph(self, epoch: int, churn: float,
              rates: tuple[tuple[str, float], ...] = ()) -> Graph:
        """The follow graph at `epoch` (cached: building one takes a fraction of a second).

        `rates`: (username, p) of this platform's accounts under persistent churn."""
        with self._lock:
            key = (epoch, churn, rates)
            if key not in self._graphs:
                if len(self._graphs) >= 4:
                    self._graphs.pop(next(iter(self._graphs)))
                self._graphs[key] = self._build_graph(epoch, churn, rates)
            return self._graphs[key]

    def posts(self) -> Posts:
        """This platform's posts (built on first use)."""
        with self._lock:
            if self._posts is None:
                self._posts = Posts(self.seed, self.accounts, self._base_followers())
            return self._posts

    def _base_followers(self) -> list[list[int]]:
        """Followers of each account in the base (epoch-less) graph, most recent first."""
        followers: list[list[int]] = [[] for _ in self.accounts]
        for (a, b), _ in sorted(self.base_edges.items(), key=lambda item: -item[1]):
            followers[b].append(a)
        return followers

    def _build_graph(self, epoch: int, churn: float,
                     rates: tuple[tuple[str, float], ...]) -> Graph:
        threshold = int(churn * 2**64)
        keyed = [(key, a, b) for (a, b), key in self.base_edges.items()
                 if h64(self.seed, self.platform, a, b, "epoch", epoch) >= threshold]
        rng = random.Random(h64(self.seed, self.platform, "new-edges", epoch))
        present = {(a, b) for _, a, b in keyed}
        for _ in range(round(churn * len(self.base_edges))):
            a = rng.choice(self._ordinary)
            b = self._draw_popular(rng)
            if a != b and (a, b) not in self.base_edges and (a, b) not in present:
                present.add((a, b))
                keyed.append((2**64 + h64(self.seed, a, b, epoch), a, b))
        if rates:
            named = {account.idx: p for account, p in
                     ((self.account(username), p) for username, p in rates) if account}
            keyed = self._persistent.apply(keyed, epoch, named)
        keyed.sort(reverse=True)
        followers: list[list[int]] = [[] for _ in self.accounts]
        following: list[list[int]] = [[] for _ in self.accounts]
        for _, a, b in keyed:
            followers[b].append(a)
            following[a].append(b)
        return Graph(tuple(map(tuple, followers)), tuple(map(tuple, following)))

    def _draw_popular(self, rng: random.Random) -> int:
        """An ordinary account, chosen with probability proportional to its popularity."""
        x = rng.random() * self._cum_weights[-1]
        return self._ordinary[bisect_left(self._cum_weights, x)]

    def _base_edges(self, rng: random.Random, notables: tuple[Notable, ...]) -> dict:
        """Base follow edges (follower, followee) -> ordering key (a stand-in follow date)."""
        edges: set[tuple[int, int]] = set()
        for a in self._ordinary:
            # Heavy-tailed out-degree: a quarter follow nobody, a few follow hundreds.
            for _ in range(min(500, max(0, int(rng.paretovariate(1.3) * 4) - 4))):
                edges.add((a, self._draw_popular(rng)))
        index = {n.username: i for i, n in enumerate(notables)}
        for i, notable in enumerate(notables):
            if notable.isolated:
                continue
            share = min(0.9, notable.followers / len(self._ordinary))
            edges.update((a, i) for a in self._ordinary if rng.random() < share)
            for _ in range(notable.random_follows):
                edges.add((i, self._draw_popular(rng)))
            edges.update((i, index[name]) for name in notable.follows)
        return {(a, b): h64(self.seed, self.platform, a, b) for a, b in sorted(edges) if a != b}


@lru_cache(maxsize=8)
def platform_world(seed: int, platform: str, size: int) -> PlatformWorld:
    """The PlatformWorld for these parameters, shared by every World of this process.

    Safe to share: a PlatformWorld never changes after construction (its graph and post caches
    are filled under a lock and keyed by everything they depend on), and it saves a fraction
    of a second per simulator, which adds up over a test suite.
    """
    return PlatformWorld(seed, platform, size)


class World:
    """Every platform of one world, built lazily per platform (well under a second each)."""

    def __init__(self, seed: int = 42, sizes: dict[str, int] | None = None,
                 churn: float = 0.05, churn_rates: dict[str, float] | None = None,
                 renames: Sequence[dict[str, Any]] = ()) -> None:
        self.seed = seed
        self.sizes = {**DEFAULT_WORLD_SIZE, **(sizes or {})}
        self.churn = churn
        # "platform:username" -> p, validated by SimulatorConfig (lower-case user names).
        self.churn_rates = dict(churn_rates or {})
        self.handles = Handles((), lambda platform: [])
        self.set_renames(renames)

    def set_renames(self, renames: Sequence[dict[str, Any]]) -> None:
        """Apply `renames` (entries as SimulatorConfig normalised them); ValueError names an
        entry whose `from` nobody holds or whose `to` is taken, and leaves the world as it was."""
        self.handles = Handles(renames, lambda platform: [
            a.username for a in self.platform(platform).accounts])

    def platform(self, platform: str) -> PlatformWorld:
        return platform_world(self.seed, platform, self.sizes[platform])

    def account(self, platform: str, username: str, epoch: int = 0) -> Account | None:
        """The account answering to `username` at `epoch` (renames applied), or None."""
        world = self.platform(platform)
        original = world.account(username)
        idx = self.handles.index(platform, username.lower(), epoch,
                                 original.idx if original else None)
        return None if idx is None else self.as_of(world.accounts[idx], epoch)

    def accounts(self, platform: str, epoch: int = 0) -> list[Account]:
        return [self.as_of(a, epoch) for a in self.platform(platform).accounts]

    def as_of(self, account: Account, epoch: int) -> Account:
        """`account` under its handle at `epoch` (the same id, profile and index)."""
        handle = self.handles.handle(account.platform, account.idx, account.username, epoch) \
            if self.handles else account.username
        return account if handle == account.username else replace(account, username=handle)

    def followers(self, platform: str, username: str, epoch: int = 0) -> list[Account]:
        """Accounts following `username` at `epoch`, most recent first ([] if unknown)."""
        return self._related(platform, username, epoch, "followers")

    def following(self, platform: str, username: str, epoch: int = 0) -> list[Account]:
        """Accounts `username` follows at `epoch`, most recent first ([] if unknown)."""
        return self._related(platform, username, epoch, "following")

    def counts(self, account: Account, epoch: int = 0) -> tuple[int, int]:
        """(followers_count, following_count) of `account` at `epoch`."""
        graph = self._graph(account.platform, epoch)
        return len(graph.followers[account.idx]), len(graph.following[account.idx])

    def edges(self, platform: str, epoch: int = 0) -> frozenset[tuple[str, str]]:
        """Every (follower, followee) username pair at `epoch`."""
        world = self.platform(platform)
        graph = self._graph(platform, epoch)
        names_ = [self.as_of(a, epoch).username for a in world.accounts]
        return frozenset((names_[a], names_[b])
                         for b, fans in enumerate(graph.followers) for a in fans)

    def posts(self, username: str, platform: str = "twitter") -> list[str]:
        """Tweet ids of `username`'s posts, oldest first (Instagram has none: no replies)."""
        if platform != "twitter":
            return []
        return self._twitter_posts().ids_of(username.lower())

    def post(self, tweet_id: str) -> Post | None:
        return self._twitter_posts().get(tweet_id)

    def replies(self, tweet_id: str) -> list[tuple[Account, str, str]]:
        """(replier, reply_text, reply_date) of a post, most recent first."""
        return self._twitter_posts().replies(tweet_id)

    def _graph(self, platform: str, epoch: int) -> Graph:
        """The platform's graph at `epoch` under this world's churn and churn_rates."""
        rates = tuple(sorted((key.partition(":")[2], p) for key, p in self.churn_rates.items()
                             if key.partition(":")[0] == platform))
        return self.platform(platform).graph(epoch, self.churn, rates)

    def _twitter_posts(self) -> Posts:
        return self.platform("twitter").posts()

    def _related(self, platform: str, username: str, epoch: int, side: str) -> list[Account]:
        world = self.platform(platform)
        account = self.account(platform, username, epoch)
        if account is None:
            return []
        indexes = getattr(self._graph(platform, epoch), side)[account.idx]
        return [self.as_of(world.accounts[i], epoch) for i in indexes]
