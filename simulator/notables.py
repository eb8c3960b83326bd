"""Named accounts and posts that exist in every simulated world, whatever the seed.

Docs, example target lists and tests refer to these, so they are data here rather than draws
of the generator. Follower counts are targets: the world draws each ordinary account into a
notable's followers with probability `followers / ordinary accounts` (capped), so the real
count varies around the target and shrinks with a smaller `world_size`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NotablePost:
    tweet_id: str
    reply_count: int  # capped by the author's followers: repliers are drawn from them


@dataclass(frozen=True)
class Notable:
    username: str
    display_name: str
    bio: str
    verified: bool
    followers: int = 0  # target follower count (0 with `isolated`)
    random_follows: int = 10  # ordinary accounts it follows, besides `follows`
    follows: tuple[str, ...] = ()  # other notables it follows
    isolated: bool = False  # no follower and follows nobody, at every epoch
    posts: tuple[NotablePost, ...] = ()


TWITTER = (
    Notable("nasa", "NASA", "Exploring the universe and our home planet.", True,
            followers=1300, random_follows=40,
            posts=(NotablePost("1790000000000001969", 1100),
                   NotablePost("1795555555555555555", 40))),
    Notable("janedoe", "Jane Doe", "Data engineer. Graphs, pipelines and long walks.", False,
            followers=150, random_follows=40, follows=("nasa", "dagster_io", "duckdb", "jack"),
            posts=(NotablePost("1786123456789012345", 48),
                   NotablePost("1798765432109876543", 7),
                   NotablePost("1803000000000000042", 0))),
    Notable("dagster_io", "Dagster", "The data orchestration platform.", True,
            followers=400, random_follows=20, follows=("duckdb",),
            posts=(NotablePost("1801234567890123456", 25),)),
    Notable("duckdb", "DuckDB", "An in-process SQL OLAP database.", True,
            followers=600, random_follows=15, follows=("dagster_io",),
            posts=(NotablePost("1779876543210987654", 60),)),
    Notable("jack", "jack", "no state is the best state", True,
            followers=900, random_follows=10,
            posts=(NotablePost("1782000000000000020", 150),)),
    Notable("quiet_account", "Quiet Account", "Just reading.", False, isolated=True),
)

INSTAGRAM = (
    Notable("natgeo", "National Geographic", "Experience the world through the eyes of "
            "National Geographic photographers.", True, followers=900, random_follows=15),
    Notable("jane.doe", "Jane Doe", "Photos of trains and mountains.", False,
            followers=120, random_follows=30, follows=("natgeo", "nasa")),
    Notable("nasa", "NASA", "Explore the universe and discover our home planet.", True,
            followers=1300, random_follows=20),
    Notable("empty.account", "Empty Account", "", False, isolated=True),
)

BY_PLATFORM = {"twitter": TWITTER, "instagram": INSTAGRAM}
