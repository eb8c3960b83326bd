"""Typed, frozen models of the Social Interactions API: the request and what comes back.

``LookupRequest`` validates locally what the contract makes certain (platform/type pairs,
tweet id digits, ``max_results`` range), so an impossible request raises ``InvalidRequest``
before any HTTP call and before any credit is at stake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import urlsplit

from .errors import InvalidRequest
from .settings import CREDITS_PER_LOOKUP

PLATFORM_TYPES: dict[str, frozenset[str]] = {
    "twitter": frozenset({"replies", "followers", "following", "followers,following"}),
    "instagram": frozenset({"followers", "following", "followers,following"}),  # no replies
}
COMPOUND_TYPE = "followers,following"
_HOSTS = {
    "twitter.com": "twitter", "www.twitter.com": "twitter", "mobile.twitter.com": "twitter",
    "x.com": "twitter", "www.x.com": "twitter", "mobile.x.com": "twitter",
    "instagram.com": "instagram", "www.instagram.com": "instagram",
}  # fmt: skip
_TWEET_ID = re.compile(r"^\d{10,25}$")
_STATUS_PATH = re.compile(r"/status(?:es)?/(\d+)")
MIN_RESULTS, MAX_RESULTS = 10, 1000  # the provider clamps max_results to 10..1000


def _url_parts(url: str) -> Any:
    return urlsplit(url if "://" in url else f"https://{url}")


@dataclass(frozen=True)
class LookupRequest:
    """One lookup: a target on a platform and the interaction type wanted.

    Cost: 3 credits if the result is non-empty (a ``followers,following`` lookup is one
    request), 0 if empty.
    """

    platform: str
    interaction_type: str
    username: Optional[str] = None
    tweet_id: Optional[str] = None
    social_media_url: Optional[str] = None
    max_results: int = 1000
    callback_url: Optional[str] = None

    def __post_init__(self) -> None:
        def fail(message: str) -> None:
            raise InvalidRequest(message, request=self)

        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("platform", str(self.platform).strip().lower())
        put("interaction_type", str(self.interaction_type).replace(" ", "").lower())
        if self.platform not in PLATFORM_TYPES:
            fail(f"platform must be one of {sorted(PLATFORM_TYPES)}, got {self.platform!r}")
        if self.interaction_type not in PLATFORM_TYPES[self.platform]:
            fail(
                f"{self.platform} has no {self.interaction_type!r} lookup "
                f"(allowed: {sorted(PLATFORM_TYPES[self.platform])})"
            )
        if self.username is not None:
            put("username", str(self.username).strip().lstrip("@") or None)
        if self.tweet_id is not None:
            put("tweet_id", str(self.tweet_id).strip())
            if not _TWEET_ID.match(self.tweet_id):
                fail(f"tweet_id must be 10 to 25 digits, got {self.tweet_id!r}")
        url_tweet_id = None
        if self.social_media_url is not None:
            parts = _url_parts(self.social_media_url.strip())
            host_platform = _HOSTS.get((parts.hostname or "").lower())
            if parts.scheme not in ("http", "https") or host_platform is None:
                fail(f"social_media_url must be a Twitter/X or Instagram URL: {self.social_media_url!r}")
            if host_platform != self.platform:
                fail(f"social_media_url is a {host_platform} URL but platform is {self.platform!r}")
            match = _STATUS_PATH.search(parts.path)
            url_tweet_id = match.group(1) if match else None
            if url_tweet_id and self.tweet_id and url_tweet_id != self.tweet_id:
                fail(f"tweet_id {self.tweet_id!r} disagrees with the URL's status id {url_tweet_id!r}")
        if self.interaction_type == "replies":
            if not (self.tweet_id or url_tweet_id):
                fail("a replies lookup needs tweet_id or a social_media_url with /status/<id>")
        elif not (self.username or self.social_media_url):
            fail(f"a {self.interaction_type} lookup needs username or social_media_url")
        if isinstance(self.max_results, bool) or not isinstance(self.max_results, int):
            fail(f"max_results must be an integer, got {self.max_results!r}")
        if not MIN_RESULTS <= self.max_results <= MAX_RESULTS:
            fail(f"max_results must be within {MIN_RESULTS}..{MAX_RESULTS}, got {self.max_results}")
        if self.callback_url is not None:
            cb = urlsplit(self.callback_url)
            if cb.scheme not in ("http", "https") or not cb.hostname:
                fail(f"callback_url must be an http(s) URL, got {self.callback_url!r}")

    @property
    def is_compound(self) -> bool:
        return self.interaction_type == COMPOUND_TYPE

    def describe(self) -> str:
        """A short human label for logs and error messages, e.g. ``twitter followers @nasa``."""
        if self.interaction_type == "replies" and self.tweet_id:
            target = f"tweet {self.tweet_id}"
        elif self.username:
            target = f"@{self.username}"
        else:
            target = str(self.social_media_url)
        return f"{self.platform} {self.interaction_type} {target}"

    def to_json(self) -> dict[str, Any]:
        """The submit body (``type`` is the documented name; None values are omitted).

        The API has no platform parameter: it infers the platform from ``social_media_url``
        and takes a bare ``username`` as Twitter/X. So an Instagram lookup given by username
        alone is sent with its profile URL.
        """
        url = self.social_media_url
        if url is None and self.platform == "instagram":
            url = f"https://www.instagram.com/{self.username}/"
        body = {
            "type": self.interaction_type,
            "social_media_url": url,
            "username": self.username,
            "tweet_id": self.tweet_id,
            "max_results": self.max_results,
            "callback_url": self.callback_url,
        }
        return {k: v for k, v in body.items() if v is not None}


@dataclass(frozen=True)
class Interaction:
    """One person in a result: a follower, a followed account, or a replier.

    ``extra`` keeps every field the contract does not name (and any named field whose value
    could not be coerced, under its own name), so nothing the parser missed is lost.
    """

    username: Optional[str] = None
    # The API's id of the account (the entry's `id`), None when it sent none: what identifies
    # an account across a change of handle.
    account_id: Optional[str] = None
    display_name: Optional[str] = None
    profile_url: Optional[str] = None
    bio: Optional[str] = None
    followers_count: Optional[int] = None
    following_count: Optional[int] = None
    verified: Optional[bool] = None
    reply_text: Optional[str] = None
    reply_date: Optional[str] = None
    relationship: Optional[str] = None  # "follower" | "following" | None (replies)
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class InteractionResult:
    """A completed lookup's result.

    ``interactions`` holds every entry (for ``followers,following`` both lists, followers
    first). ``followers`` / ``following`` are the separated lists when the type includes them,
    else None. ``raw`` is the result JSON exactly as received.
    """

    interaction_type: str
    platform: Optional[str]
    target_username: Optional[str]
    target_profile_url: Optional[str]
    total_count: Optional[int]
    interactions: tuple[Interaction, ...]
    followers: Optional[tuple[Interaction, ...]] = None
    following: Optional[tuple[Interaction, ...]] = None
    raw: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.interactions

    @property
    def credits(self) -> int:
        """What the provider charges for this result: 3 with results, 0 when empty."""
        return 0 if self.is_empty else CREDITS_PER_LOOKUP

    def is_truncated(self, max_results: int) -> bool:
        """True when the provider may have cut the list at ``max_results`` (there is no paging)."""
        returned = len(self.interactions)
        lists = [x for x in (self.followers, self.following) if x is not None] or [self.interactions]
        if any(len(x) >= max_results for x in lists):
            return True
        return self.total_count is not None and self.total_count > returned


@dataclass(frozen=True)
class Submission:
    request_id: str
    status: str


@dataclass(frozen=True)
class JobStatus:
    request_id: str
    status: str  # queued | processing | pending | completed | failed (or an unknown new one)
    completed: bool
    result: Optional[InteractionResult] = None
    error: Optional[str] = None
    completed_on: Optional[str] = None

    @property
    def is_terminal(self) -> bool:
        return self.completed or self.status in ("completed", "failed")


@dataclass(frozen=True)
class Usage:
    credits_used: Optional[int]
    requests_count: Optional[int]
    monthly_allocation: Optional[int]
    available_credits: Optional[int]
    is_unlimited: Optional[bool]
    raw: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
