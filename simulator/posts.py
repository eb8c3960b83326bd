"""Twitter/X posts of the simulated world and the replies under them.

Contract:
- A post exists only if the world made it: the notables' posts (fixed ids, see notables.py)
  and a few generated posts for ordinary accounts that have followers. Any other tweet id,
  however well formed, is unknown: a `replies` job on it fails with "Tweet not found".
- Ids are Twitter-style snowflakes (19 digits); the creation date is decoded from the id.
- Repliers are drawn from the author's base followers (replies happened in the past and stay
  when someone unfollows, so they do not depend on the epoch), one reply each, and come most
  recent first. A post can have zero replies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from simulator import names
from simulator.accounts import Account, h64
from simulator.notables import TWITTER

TWITTER_EPOCH_MS = 1288834974657  # Twitter's snowflake epoch (2010-11-04)
# Generated posts fall between these dates (ms since the Unix epoch): 2022-01-01 .. 2025-06-01.
POSTED_BETWEEN_MS = (1640995200000, 1748736000000)


def posted_at(tweet_id: str) -> datetime:
    """The creation time a snowflake id encodes."""
    ms = (int(tweet_id) >> 22) + TWITTER_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass(frozen=True)
class Post:
    tweet_id: str
    author: Account
    reply_count: int

    @property
    def created_at(self) -> str:
        return iso(posted_at(self.tweet_id))

    @property
    def url(self) -> str:
        return f"https://x.com/{self.author.username}/status/{self.tweet_id}"


class Posts:
    """All posts of the Twitter/X world, indexed by id and by author."""

    def __init__(self, seed: int, accounts: list[Account],
                 base_followers: list[list[int]]) -> None:
        self._seed = seed
        self._accounts = accounts
        self._followers = base_followers
        self._by_id: dict[str, Post] = {}
        self._by_author: dict[str, list[str]] = {}
        by_name = {a.username: a for a in accounts}
        for notable in TWITTER:
            author = by_name[notable.username]
            for spec in notable.posts:
                fans = len(base_followers[author.idx])
                self._add(Post(spec.tweet_id, author, min(spec.reply_count, fans)))
        rng = random.Random(h64(seed, "posts"))
        for account in accounts[len(TWITTER):]:
            fans = len(base_followers[account.idx])
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3)) if fans else 0):
                ms = rng.randrange(*POSTED_BETWEEN_MS) - TWITTER_EPOCH_MS
                tweet_id = str((ms << 22) | rng.getrandbits(22))
                replies = max(0, int(rng.paretovariate(1.5) * 3) - 3)
                if tweet_id not in self._by_id:
                    self._add(Post(tweet_id, account, min(replies, fans)))
        for ids in self._by_author.values():
            ids.sort(key=int)

    def get(self, tweet_id: str) -> Post | None:
        tweet_id = str(tweet_id)
        return self._by_id.get(str(int(tweet_id))) if tweet_id.isdigit() else None

    def ids_of(self, username: str) -> list[str]:
        return list(self._by_author.get(username, []))

    def replies(self, tweet_id: str) -> list[tuple[Account, str, str]]:
        """(replier, reply_text, reply_date ISO 8601) of a post, most recent first."""
        post = self.get(tweet_id)
        if post is None or post.reply_count == 0:
            return []
        rng = random.Random(h64(self._seed, "replies", post.tweet_id))
        fans = self._followers[post.author.idx]
        repliers = rng.sample(fans, post.reply_count)
        start = posted_at(post.tweet_id)
        # Most replies come within hours, a long tail within three days.
        offsets = sorted((rng.expovariate(1 / 7200) % 259200 for _ in repliers), reverse=True)
        return [(self._accounts[i], names.reply_text(rng, post.author.username),
                 iso(start + timedelta(seconds=60 + offset)))
                for i, offset in zip(repliers, offsets)]

    def _add(self, post: Post) -> None:
        self._by_id[post.tweet_id] = post
        self._by_author.setdefault(post.author.username, []).append(post.tweet_id)
