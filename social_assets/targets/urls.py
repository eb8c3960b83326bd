"""Twitter/X and Instagram URLs: which account or post a URL names, or why it names none.

Accepted (http, https or no scheme; query, fragment and trailing slash ignored):
- Twitter hosts twitter.com, x.com with ``www.``/``mobile.``; Instagram hosts instagram.com,
  ``www.``/``m.``. Hosts are matched exactly, so ``x.com.evil.com`` and ``evilx.com`` are unknown.
- ``/<user>`` (and profile tabs such as ``/<user>/media``): an account.
- ``/<user>/status/<id>``, ``/<user>/statuses/<id>``, ``/i/web/status/<id>``, ``/i/status/<id>``,
  with anything after the id (``/photo/1``, ``/analytics``): a Twitter post.
Rejected with a reason: reserved first segments (``/search``, ``/hashtag/...``, Instagram
``/p/...`` posts and reels), ``.``/``..`` path segments, credentials, odd ports, other schemes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .values import (INSTAGRAM, TWITTER, InvalidValue, describe_char, non_ascii,
                     normalise_tweet_id, normalise_username, quote)

TWITTER_HOSTS = frozenset(f"{prefix}{domain}" for prefix in ("", "www.", "mobile.")
                          for domain in ("twitter.com", "x.com"))
INSTAGRAM_HOSTS = frozenset({"instagram.com", "www.instagram.com", "m.instagram.com"})

_SEE = "give a profile URL (x.com/<user>) or a status URL (x.com/<user>/status/<id>)"
# First path segments that are Twitter pages, never handles (Twitter reserves these names).
TWITTER_RESERVED = {
    "home": "the home timeline", "explore": "the Explore page", "search": "a search page",
    "settings": "a settings page", "i": "an internal page", "intent": "an intent (share/follow) link",
    "hashtag": "a hashtag page", "messages": "the direct messages page",
    "notifications": "the notifications page", "login": "the login page",
    "logout": "the logout page", "signup": "the signup page", "share": "a share link",
    "compose": "the compose page", "tos": "the terms of service", "privacy": "the privacy policy",
    "about": "the about page", "download": "the download page", "account": "an account settings page",
    "bookmarks": "the bookmarks page", "topics": "a topics page", "communities": "a communities page",
    "jobs": "the jobs page", "premium": "the Premium page", "lists": "a lists page",
}
# Tabs of a Twitter profile: /<user>/<tab> still names the account.
TWITTER_PROFILE_TABS = frozenset({
    "with_replies", "media", "likes", "highlights", "articles", "lists", "followers", "following",
    "verified_followers", "followers_you_follow", "superfollows", "communities"})
_IG_POST = ("Instagram has no replies lookup; give the account instead "
            "(instagram.com/<user>/)")
INSTAGRAM_POSTS = {"p": "an Instagram post", "reel": "an Instagram reel",
                   "reels": "an Instagram reel", "tv": "an IGTV video"}
INSTAGRAM_RESERVED = {
    "explore": "the Explore page", "stories": "a story", "accounts": "an account settings page",
    "direct": "the direct messages page", "about": "the about page", "developer": "a developer page",
    "legal": "a legal page", "web": "an internal page", "challenge": "a security check page",
    "emails": "an email settings page", "oauth": "a login page", "graphql": "an API endpoint",
    "api": "an API endpoint", "session": "a login page", "directory": "the directory page",
    "privacy": "the privacy policy", "terms": "the terms of use", "ar": "an effects page",
}
INSTAGRAM_PROFILE_TABS = frozenset({"reels", "tagged", "followers", "following", "saved",
                                    "guides", "channel", "feed"})
_DOT_SEGMENTS = frozenset({".", "..", "%2e", "%2e%2e", ".%2e", "%2e."})
_BAD_URL_CHAR = re.compile(r"\s")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class UrlTarget:
    """What a URL names: a platform, and the account (``username``) and/or post (``tweet_id``)."""
    platform: str
    username: str | None
    tweet_id: str | None


def parse_url(text: str) -> UrlTarget:
    """The account or post ``text`` names; ``InvalidValue`` saying what the URL is otherwise."""
    url = text.strip()
    if not url:
        raise InvalidValue("url is empty")
    if _BAD_URL_CHAR.search(url) or not url.isprintable():
        ch = next(c for c in url if c.isspace() or not c.isprintable())
        raise InvalidValue(f"url has character {describe_char(ch)}, which a URL cannot contain")
    scheme = _SCHEME.match(url)
    if scheme and url[scheme.end():].startswith("//"):
        if scheme.group(1).lower() not in ("http", "https"):
            raise InvalidValue(f"url scheme {quote(scheme.group(1))} is not http or https")
    elif scheme and scheme.group(1).lower() in ("http", "https"):
        raise InvalidValue(f"url {quote(url)} is malformed: expected {scheme.group(1)}:// "
                           f"before the host")
    else:
        url = ("https:" if url.startswith("//") else "https://") + url
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InvalidValue(f"url is not a valid URL: {exc}") from None
    if "@" in parts.netloc:
        raise InvalidValue("url has a user name or password before the host, "
                           "which a profile or status URL never has")
    written = parts.hostname or ""
    host = written.rstrip(".")
    if not written:
        raise InvalidValue("url has no host: expected twitter.com, x.com or instagram.com")
    if host in TWITTER_HOSTS:
        platform = TWITTER
    elif host in INSTAGRAM_HOSTS:
        platform = INSTAGRAM
    else:
        raise InvalidValue(f"unknown host {quote(written)}{non_ascii(written)}: "
                           f"expected twitter.com, x.com or instagram.com")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port not in (None, 80, 443):
        raise InvalidValue(f"url has port {quote(parts.netloc.rpartition(':')[2])}, "
                           f"expected none (or 80, 443)")
    raw_segments = parts.path.split("/")
    for segment in raw_segments:
        if segment.lower() in _DOT_SEGMENTS:
            raise InvalidValue(f"url path {quote(parts.path)} has a {quote(segment)} segment; "
                               f"give the plain profile or status URL")
    segments = [s for s in raw_segments if s]
    if platform == TWITTER:
        return _twitter(segments, host)
    return _instagram(segments, host)


def _twitter(segments: list[str], host: str) -> UrlTarget:
    if not segments:
        raise InvalidValue(f"url is the Twitter home page, not an account or a post; {_SEE}")
    lower = [s.lower() for s in segments]
    if lower[:3] == ["i", "web", "status"] or lower[:2] == ["i", "status"]:
        return _status(segments[lower.index("status") + 1:], username=None)
    first = lower[0]
    if first in TWITTER_RESERVED:
        path = "/".join(segments[:2])
        raise InvalidValue(f"{host}/{path} is {TWITTER_RESERVED[first]} on Twitter, "
                           f"not an account or a post; {_SEE}")
    username = normalise_username(TWITTER, segments[0])
    if len(segments) == 1 or (len(segments) == 2 and lower[1] in TWITTER_PROFILE_TABS):
        return UrlTarget(TWITTER, username, None)
    if lower[1] in ("status", "statuses"):
        return _status(segments[2:], username=username)
    raise InvalidValue(f"url path {quote('/' + '/'.join(segments))} is not a Twitter profile "
                       f"or status URL; {_SEE}")


def _status(after: list[str], *, username: str | None) -> UrlTarget:
    if not after:
        raise InvalidValue("status URL has no tweet id after /status/")
    return UrlTarget(TWITTER, username, normalise_tweet_id(after[0]))


def _instagram(segments: list[str], host: str) -> UrlTarget:
    if not segments:
        raise InvalidValue("url is the Instagram home page, not an account; "
                           "give a profile URL (instagram.com/<user>/)")
    lower = [s.lower() for s in segments]
    if lower[0] in INSTAGRAM_POSTS:
        raise InvalidValue(f"url is {INSTAGRAM_POSTS[lower[0]]}: {_IG_POST}")
    if lower[0] in INSTAGRAM_RESERVED:
        path = "/".join(segments[:2])
        raise InvalidValue(f"{host}/{path} is {INSTAGRAM_RESERVED[lower[0]]} on Instagram, "
                           f"not an account; give a profile URL (instagram.com/<user>/)")
    username = normalise_username(INSTAGRAM, segments[0])
    if len(segments) == 1 or (len(segments) == 2 and lower[1] in INSTAGRAM_PROFILE_TABS):
        return UrlTarget(INSTAGRAM, username, None)
    if lower[1] in INSTAGRAM_POSTS:
        raise InvalidValue(f"url is {INSTAGRAM_POSTS[lower[1]]} by @{username}: {_IG_POST}")
    raise InvalidValue(f"url path {quote('/' + '/'.join(segments))} is not an Instagram profile "
                       f"URL; give instagram.com/<user>/")
