"""Accounts of the simulated world: the profile every entry is built from.

`make_account` draws an ordinary account's profile from the world's RNG, or dresses a notable
(notables.py) with fixed name, bio and verification. Ids and hashes come from hashlib, so they
are the same in every process.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from simulator import names
from simulator.notables import Notable

PROFILE_URL = {"twitter": "https://x.com/{}", "instagram": "https://www.instagram.com/{}/"}


def h64(*parts: object) -> int:
    """A 64-bit hash of `parts`, stable across processes."""
    data = ":".join(map(str, parts)).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


@dataclass(frozen=True)
class Account:
    idx: int
    id: str
    platform: str
    username: str
    display_name: str | None
    bio: str | None
    verified: bool
    blue_verified: bool
    protected: bool
    location: str | None
    website: str | None
    created_at: str
    tweets_count: int
    pronouns: str | None
    # How the `actor` entry shape spells this account's booleans: "01" or "truefalse".
    bool_style: str

    @property
    def profile_url(self) -> str:
        return PROFILE_URL[self.platform].format(self.username)

    @property
    def image_url(self) -> str:
        return f"https://images.example.com/{self.platform}/{self.id}.jpg"


def make_account(rng: random.Random, platform: str, idx: int, notable: Notable | None,
                 taken: set[str]) -> Account:
    """Account number `idx`: the notable's fixed profile, or a fresh generated person."""
    if notable:
        handle, display_name = notable.username, notable.display_name
    else:
        handle, display_name = names.person(rng, platform, taken)
    year = rng.randint(2007, 2024)
    verified = notable.verified if notable else rng.random() < 0.03
    return Account(
        idx=idx,
        id=str(10_000_000 + h64(platform, handle) % 10**15),
        platform=platform,
        username=handle,
        display_name=display_name,
        bio=(notable.bio or None) if notable else names.bio(rng),
        verified=verified,
        blue_verified=verified or rng.random() < 0.1,
        protected=False if notable else rng.random() < 0.04,
        location=names.location(rng),
        website=names.website(rng, handle),
        created_at=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                   f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z",
        tweets_count=0 if notable and notable.isolated else int(rng.paretovariate(1.2) * 50),
        pronouns=names.pronouns(rng),
        bool_style=rng.choice(("01", "truefalse")),
    )
