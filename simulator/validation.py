"""Submit parameters: parse the JSON body into a LookupSpec, or refuse it as the provider does.

Contract (nyne-api.md, "Submit parameters"):
- `social_media_url` (alias `twitter_url`) gives platform, username and tweet id; its host must
  be twitter.com / x.com (bare, `www.` or `mobile.`) or instagram.com (bare or `www.`).
- `type` (alias `interaction_type`): replies | followers | following | followers,following,
  spelled exactly so; Instagram has no `replies`.
- `username` (leading `@` stripped) when the URL names no profile; `tweet_id` (10-25 digits)
  for replies when the URL has no `/status/<id>`; the URL wins over both when it gives them.
- `max_results`: default 100, clamped to 10..1000. `callback_url`: an http(s) URL, inside
  the allow-list when one is configured.
Choice: without a URL the platform is Twitter/X (the contract names no platform parameter).
Every refusal raises InvalidRequest with a message for a human; the handler answers 400.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

TYPES = ("replies", "followers", "following", "followers,following")
# Provider's documented bounds.
MAX_RESULTS_DEFAULT, MAX_RESULTS_MIN, MAX_RESULTS_MAX = 100, 10, 1000
TWEET_ID = re.compile(r"^[0-9]{10,25}$")
USERNAME = {"twitter": re.compile(r"^[A-Za-z0-9_]{1,15}$"),
            "instagram": re.compile(r"^[A-Za-z0-9._]{1,30}$")}
PLATFORM_NAME = {"twitter": "Twitter/X", "instagram": "Instagram"}
HOSTS = {"twitter.com": "twitter", "www.twitter.com": "twitter", "mobile.twitter.com": "twitter",
         "x.com": "twitter", "www.x.com": "twitter", "mobile.x.com": "twitter",
         "instagram.com": "instagram", "www.instagram.com": "instagram"}
# First path segments that are site pages, not profiles.
NOT_PROFILES = {"twitter": {"i", "home", "search", "explore", "intent", "hashtag", "settings",
                            "messages", "notifications", "share"},
                "instagram": {"explore", "stories", "accounts", "direct"}}
INSTAGRAM_POSTS = {"p", "reel", "reels", "tv"}


class InvalidRequest(ValueError):
    """A submit the provider would refuse with 400; str() is the message."""


@dataclass(frozen=True)
class LookupSpec:
    platform: str
    interaction_type: str
    username: str | None  # lower-cased; None for replies given by tweet id alone
    tweet_id: str | None  # replies only
    max_results: int
    callback_url: str | None

    @property
    def target(self) -> str:
        return self.tweet_id if self.interaction_type == "replies" else self.username or ""


def parse_submit(body: bytes, allowlist: tuple[str, ...] | None = None) -> LookupSpec:
    """The lookup a submit body asks for; raises InvalidRequest with the provider's reason."""
    try:
        params = json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidRequest("Request body must be valid JSON") from None
    if not isinstance(params, dict):
        raise InvalidRequest("Request body must be a JSON object")
    url = _text(params, "social_media_url", "twitter_url")
    kind = _text(params, "type", "interaction_type")
    if kind is None:
        raise InvalidRequest(f"type is required: one of {', '.join(TYPES)}")
    if kind.strip() not in TYPES:
        raise InvalidRequest(f"Invalid interaction type '{kind}': expected one of "
                             f"{', '.join(TYPES)}")
    kind = kind.strip()
    username = (_text(params, "username") or "").strip().lstrip("@") or None
    tweet_id = params.get("tweet_id")
    if isinstance(tweet_id, bool) or not isinstance(tweet_id, (str, int, type(None))):
        raise InvalidRequest("tweet_id must be 10-25 digits")
    tweet_id = None if tweet_id in (None, "") else str(tweet_id).strip()
    if url is None and username is None and tweet_id is None:
        raise InvalidRequest("Either social_media_url or username is required")
    platform, url_user, url_tweet = _parse_url(url) if url else ("twitter", None, None)
    if platform == "instagram" and kind == "replies":
        raise InvalidRequest("Instagram does not support interaction type 'replies'")
    if kind == "replies":
        tweet_id = url_tweet or tweet_id
        if tweet_id is None:
            raise InvalidRequest("tweet_id is required for replies when social_media_url "
                                 "has no /status/<id>")
        if not TWEET_ID.match(tweet_id):
            raise InvalidRequest("tweet_id must be 10-25 digits")
    else:
        tweet_id = None
    username = url_user or username
    if kind != "replies" and username is None:
        raise InvalidRequest(f"username is required for {kind} lookups when "
                             "social_media_url names no profile")
    if username is not None and not USERNAME[platform].match(username):
        raise InvalidRequest(f"Invalid {PLATFORM_NAME[platform]} username '{username}'")
    return LookupSpec(platform, kind, username.lower() if username else None, tweet_id,
                      _max_results(params.get("max_results")),
                      _callback_url(params.get("callback_url"), allowlist))


def _text(params: dict[str, Any], *names: str) -> str | None:
    """The first of `names` present and non-empty; it must be a string."""
    for name in names:
        value = params.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise InvalidRequest(f"{name} must be a string")
        return value
    return None


def _parse_url(url: str) -> tuple[str, str | None, str | None]:
    """(platform, username or None, tweet id or None) named by a profile or status URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequest(f"social_media_url must be an http(s) URL: '{url}'")
    platform = HOSTS.get(parts.hostname)
    if platform is None:
        raise InvalidRequest(f"Unsupported social_media_url host '{parts.hostname}': "
                             "expected twitter.com, x.com or instagram.com")
    segments = [s for s in parts.path.split("/") if s]
    if platform == "twitter" and segments[:3] == ["i", "web", "status"] and len(segments) > 3:
        return platform, None, _tweet_id(segments[3])
    if segments and platform == "instagram" and segments[0].lower() in INSTAGRAM_POSTS:
        raise InvalidRequest("Instagram post URLs are not supported: give a profile URL")
    if not segments or segments[0].lower() in NOT_PROFILES[platform]:
        raise InvalidRequest(f"social_media_url is not a {PLATFORM_NAME[platform]} "
                             "profile or status URL")
    user = segments[0].lstrip("@")
    if platform == "twitter" and len(segments) > 2 and segments[1] == "status":
        return platform, user, _tweet_id(segments[2])
    return platform, user, None


def _tweet_id(text: str) -> str:
    if not TWEET_ID.match(text):
        raise InvalidRequest("tweet_id must be 10-25 digits")
    return text


def _max_results(value: Any) -> int:
    if value is None:
        return MAX_RESULTS_DEFAULT
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequest("max_results must be an integer")
    return min(MAX_RESULTS_MAX, max(MAX_RESULTS_MIN, value))


def _callback_url(value: Any, allowlist: tuple[str, ...] | None) -> str | None:
    if value in (None, ""):
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequest("callback_url must be an http(s) URL")
    if allowlist is not None and not any(value.startswith(p) for p in allowlist):
        raise InvalidRequest("callback_url is not in the account's callback allow-list")
    return value
