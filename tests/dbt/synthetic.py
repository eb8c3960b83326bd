"""A seeded synthetic collection: what the Dagster assets would have written after two rounds
of lookups, and the lists it wrote, so tests can compute every expected mart in Python.

Round 1 (May) looks up every target; round 2 (June) re-collects a few lists after the follow
graph changed. Targets are partly accounts of the population (both target and entry), one
target ("celebrity") is in no list, its followers list is truncated (1,000 rows =
max_results), usernames come in mixed case, and one list names an account twice.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from resources.nyne import Interaction

from .conftest import write_edge_snapshot, write_replies_snapshot

MAY = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
JUNE = datetime(2024, 6, 1, 10, 0, tzinfo=timezone.utc)
MAX_RESULTS = 1000


@dataclass(frozen=True)
class Snapshot:
    asset: str  # followers | following
    platform: str
    target: str  # lowercased
    fetched_at: datetime
    request_id: str
    members: frozenset  # lowercased usernames

    def edges(self) -> set[tuple[str, str]]:
        if self.asset == "followers":
            return {(m, self.target) for m in self.members if m != self.target}
        return {(self.target, m) for m in self.members if m != self.target}


@dataclass
class Collection:
    root: Path
    snapshots: list[Snapshot] = field(default_factory=list)
    # (platform, username) -> (fetched_at, followers_count) of the latest list entry
    profiles: dict = field(default_factory=dict)
    # (platform, tweet_id) -> [(replier, replied_at ISO)] of the post's latest snapshot
    latest_replies: dict = field(default_factory=dict)
    truncated_target: tuple[str, str] | None = None

    def write_list(self, rng: random.Random, asset: str, platform: str, target: str,
                   members: set[str], fetched_at: datetime, *, round_no: int,
                   target_as_sent: str | None = None) -> Snapshot:
        """Write a list whose usernames the API sends in random case; profiles carry
        followers_count = 1000 * round + account number, so the latest profile is knowable."""
        request_id = f"req_{asset}_{platform}_{target}_{round_no}".replace(".", "_")
        entries = []
        for name in sorted(members):
            sent = name.upper() if rng.random() < 0.2 else name
            count = 1000 * round_no + _number(name)
            entries.append(Interaction(username=sent, display_name=f"{name} r{round_no}",
                                       followers_count=count, following_count=round_no,
                                       verified=round_no == 2))
            self.note_profile(platform, name, fetched_at, count)
        write_edge_snapshot(self.root, asset, platform, target_as_sent or target, entries,
                            fetched_at, request_id)
        snapshot = Snapshot(asset, platform, target, fetched_at, request_id,
                            frozenset(members))
        self.snapshots.append(snapshot)
        return snapshot

    def note_profile(self, platform: str, username: str, at: datetime, followers_count: int):
        key = (platform, username)
        if key not in self.profiles or self.profiles[key][0] <= at:
            self.profiles[key] = (at, followers_count)

    # ---- expected marts, from the lists written -------------------------------------------
    def observed_edges(self) -> dict[tuple, list[Snapshot]]:
        seen: dict[tuple, list[Snapshot]] = {}
        for s in self.snapshots:
            for edge in s.edges():
                seen.setdefault((s.platform, *edge), []).append(s)
        return seen

    def current_edges(self) -> set[tuple[str, str, str]]:
        """Edges in the latest snapshot that could show them (followers of the followed
        account, following of the follower)."""
        current = set()
        for (platform, u, v), showing in self.observed_edges().items():
            could_show = [s for s in self.snapshots if s.platform == platform and (
                (s.asset == "followers" and s.target == v)
                or (s.asset == "following" and s.target == u))]
            latest = max(s.fetched_at for s in could_show)
            if any(s.fetched_at == latest for s in showing):
                current.add((platform, u, v))
        return current

    def latest(self, asset: str, platform: str, target: str) -> Snapshot:
        return max((s for s in self.snapshots if (s.asset, s.platform, s.target)
                    == (asset, platform, target)), key=lambda s: s.fetched_at)


def _number(name: str) -> int:
    digits = "".join(c for c in name if c.isdigit())
    return int(digits) if digits else 0


def build_collection(root: Path, seed: int = 20240501) -> Collection:
    rng = random.Random(seed)
    collection = Collection(root=Path(root))

    # Twitter: 300 accounts, a random follow graph, plus a target that is not one of them.
    people = [f"user_{i:03d}" for i in range(300)]
    may = set()
    for u in people:
        for v in rng.sample(people, rng.randint(0, 12)):
            if u != v:
                may.add((u, v))
    targets = ["user_000", "user_001", "user_002", "user_003", "user_004", "brand"]
    for t in targets:
        for u in people:
            if u != t and rng.random() < (0.3 if t != "brand" else 0.4):
                may.add((u, t))
    for v in rng.sample(people, 25):
        may.add(("brand", v))

    def followers(graph, t):
        return {u for (u, v) in graph if v == t}

    def following(graph, t):
        return {v for (u, v) in graph if u == t}

    for i, t in enumerate(targets):
        at = MAY + timedelta(minutes=i)
        sent = t.upper() if t == "user_002" else None  # the API names a target in capitals
        collection.write_list(rng, "followers", "twitter", t, followers(may, t), at,
                              round_no=1, target_as_sent=sent)
        collection.write_list(rng, "following", "twitter", t, following(may, t), at,
                              round_no=1, target_as_sent=sent)

    # June: user_000 lost a fifth of its followers and gained 15; user_001 unfollowed a third
    # of the accounts it followed. Only those two lists (and user_002's following) are re-read.
    june = set(may)
    old_followers = sorted(followers(may, "user_000"))
    for u in rng.sample(old_followers, len(old_followers) // 5):
        june.discard((u, "user_000"))
    newcomers = [u for u in people if u != "user_000" and (u, "user_000") not in may]
    for u in rng.sample(newcomers, 15):
        june.add((u, "user_000"))
    old_following = sorted(following(may, "user_001"))
    for v in rng.sample(old_following, len(old_following) // 3):
        june.discard(("user_001", v))
    collection.write_list(rng, "followers", "twitter", "user_000", followers(june, "user_000"),
                          JUNE, round_no=2)
    collection.write_list(rng, "following", "twitter", "user_001", following(june, "user_001"),
                          JUNE + timedelta(minutes=1), round_no=2)
    collection.write_list(rng, "following", "twitter", "user_002", following(june, "user_002"),
                          JUNE + timedelta(minutes=2), round_no=2)

    # A celebrity whose followers list hit max_results: truncated.
    fans = {f"fan_{i:04d}" for i in range(MAX_RESULTS)}
    collection.write_list(rng, "followers", "twitter", "celebrity", fans,
                          MAY + timedelta(hours=1), round_no=1)
    collection.truncated_target = ("twitter", "celebrity")

    # One list names an account twice, in two cases: one row in staging, one edge.
    twin_at = MAY + timedelta(hours=2)
    write_edge_snapshot(root, "followers", "twitter", "user_005",
                        [Interaction(username="Twin_001", followers_count=1001),
                         Interaction(username="twin_001", followers_count=1001),
                         Interaction(username="user_004", followers_count=1004)],
                        twin_at, "req_followers_twitter_user_005_1")
    collection.note_profile("twitter", "twin_001", twin_at, 1001)
    collection.note_profile("twitter", "user_004", twin_at, 1004)
    collection.snapshots.append(Snapshot("followers", "twitter", "user_005",
                                         MAY + timedelta(hours=2),
                                         "req_followers_twitter_user_005_1",
                                         frozenset({"twin_001", "user_004"})))

    # Instagram: a separate graph (its own PageRank).
    ig_people = [f"ig.user.{i:02d}" for i in range(60)]
    ig = set()
    for u in ig_people:
        for v in rng.sample(ig_people, rng.randint(1, 6)):
            if u != v:
                ig.add((u, v))
    for i, t in enumerate(["ig.user.00", "ig.user.01", "ig.star"]):
        for u in ig_people:
            if u != t and rng.random() < 0.5:
                ig.add((u, t))
        at = MAY + timedelta(minutes=30 + i)
        collection.write_list(rng, "followers", "instagram", t, followers(ig, t), at,
                              round_no=1)
        if t != "ig.star":
            collection.write_list(rng, "following", "instagram", t, following(ig, t), at,
                                  round_no=1)

    # Two posts: the first re-read in June (its latest snapshot has 4 replies, one account
    # replying twice), the second with no known author.
    post, anonymous_post = "1790000000000000001", "1790000000000000002"

    def reply(name, day, text, round_no=1):
        return Interaction(username=name, reply_text=text,
                           reply_date=f"2024-05-{day:02d}T12:00:00Z",
                           followers_count=1000 * round_no + _number(name))

    posts = [
        (post, "user_000", MAY + timedelta(hours=3), "req_repliers_post_1",
         [reply("user_010", 2, "first"), reply("user_011", 3, "second")]),
        (post, "user_000", JUNE + timedelta(hours=3), "req_repliers_post_2",
         [reply("user_010", 2, "first", 2), reply("User_011", 3, "second", 2),
          reply("user_012", 4, "third", 2), reply("user_010", 5, "again", 2)]),
        (anonymous_post, None, MAY + timedelta(hours=4), "req_repliers_post_3",
         [reply("newcomer_1", 6, "hello"), reply("user_020", 6, "hi")]),
    ]
    for tweet_id, author, at, request_id, replies in posts:
        write_replies_snapshot(root, "twitter", tweet_id, author, replies, at, request_id)
        for r in replies:
            collection.note_profile("twitter", r.username.lower(), at, r.followers_count)
        # posts are listed oldest first: the last one written is the latest
        collection.latest_replies[("twitter", tweet_id)] = [
            (r.username.lower(), r.reply_date, r.reply_text) for r in replies]
    return collection
