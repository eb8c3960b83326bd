"""One row of a target list (key/value pairs from YAML or CSV) to a ``Target`` or a rejection.

A row names its target by ``url``, or by ``platform`` + ``username``, or by ``platform`` +
``tweet_id`` (Twitter only). A URL together with ``platform``/``username``/``tweet_id`` is
accepted when they agree and rejected when they do not; a profile URL plus a ``tweet_id`` is a
post by that account. ``collect`` defaults to followers + following for an account and replies
for a post.
"""
from __future__ import annotations

from typing import Callable

from .model import RejectedRow, Target
from .urls import parse_url
from .values import (FOLLOWERS, FOLLOWING, INSTAGRAM, PLATFORM_LABEL, REPLIES, TWITTER,
                     InvalidValue, did_you_mean, normalise_platform, normalise_tweet_id,
                     normalise_username, parse_collect, quote, show)

FIELDS = ("url", "platform", "username", "tweet_id", "collect")
_TEXT_FIELDS = ("url", "platform", "username", "tweet_id")
_NAMES = "url, or platform with username or tweet_id"


def build_row(pairs: list[tuple[object, object]], *, row: int,
              fallback_text: Callable[[], str]) -> Target | RejectedRow:
    """The target named by a row's ``(key, value)`` pairs, or a ``RejectedRow`` saying why not.

    Keys are case-insensitive; values are ``str`` (blank means "not given"), ``None``, or for
    ``collect`` a list. ``fallback_text()`` gives the row's text for messages when it has
    neither url, username nor tweet_id (called only for a rejected row).
    """
    fields: dict[str, object] = {}
    problem = None
    for key, value in pairs:
        if not isinstance(key, str):
            problem = problem or f"has a key that is not text ({show(str(key), 40)})"
            continue
        name = key.strip().lower()
        if name not in FIELDS:
            problem = problem or (f"unknown key {quote(key)}{did_you_mean(name, FIELDS)}; "
                                  f"allowed keys: {', '.join(FIELDS)}")
        elif name in fields:
            problem = problem or f"key {quote(name)} is given twice"
        fields[name] = value
    for name in _TEXT_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and not value.strip():
            fields[name] = None
        elif value is not None and not isinstance(value, str):
            problem = problem or f"{name} must be a single text value, got a {_kind(value)}"
            fields[name] = None
    if problem:
        return RejectedRow(row, row_text(fields, fallback_text), problem)
    try:
        return _target(fields, row)
    except InvalidValue as exc:
        return RejectedRow(row, row_text(fields, fallback_text), str(exc))


def row_text(fields: dict[str, object], fallback: Callable[[], str]) -> str:
    """The row as a user would recognise it: its url, ``@handle on <platform>``, ``tweet <id>``."""
    url, platform, username, tweet_id = (fields.get(n) for n in _TEXT_FIELDS)
    on = f" on {platform.strip()}" if isinstance(platform, str) else ""
    if isinstance(url, str):
        text = url.strip()
    elif isinstance(username, str):
        text = "@" + username.strip().removeprefix("@") + on
    elif isinstance(tweet_id, str):
        text = f"tweet {tweet_id.strip()}{on}"
    else:
        text = fallback()
    return show(text, 120)


def _target(fields: dict[str, object], row: int) -> Target:
    url, platform_text, username_text, tweet_id_text = (fields.get(n) for n in _TEXT_FIELDS)
    from_url = parse_url(url) if url else None
    platform = normalise_platform(platform_text) if platform_text else None
    if from_url and platform and from_url.platform != platform:
        raise InvalidValue(f"url is on {from_url.platform} but platform says {quote(platform_text.strip())}")
    platform = platform or (from_url.platform if from_url else None)
    if platform is None:
        if username_text or tweet_id_text:
            raise InvalidValue(f"{'username' if username_text else 'tweet_id'} needs a platform: "
                               f"twitter or instagram")
        raise InvalidValue(f"row names no account or post: give {_NAMES}")
    username = normalise_username(platform, username_text) if username_text else None
    if tweet_id_text and platform != TWITTER:
        raise InvalidValue(f"tweet_id is Twitter only: {PLATFORM_LABEL[platform]} has no replies lookup")
    tweet_id = normalise_tweet_id(tweet_id_text) if tweet_id_text else None
    if from_url:
        if username and from_url.username and username != from_url.username:
            raise InvalidValue(f"url names @{from_url.username} but username says @{username}")
        if tweet_id and from_url.tweet_id and tweet_id != from_url.tweet_id:
            raise InvalidValue(f"url names tweet {from_url.tweet_id} but tweet_id says {tweet_id}")
        username = username or from_url.username
        tweet_id = tweet_id or from_url.tweet_id
    if tweet_id is None and username is None:
        raise InvalidValue(f"platform {quote(platform_text.strip())} alone names nothing: "
                           f"username and tweet_id are missing or empty")
    kind = "post" if tweet_id else "account"
    collect = _collect(fields.get("collect"), platform, kind)
    if url:
        source = url.strip()
    elif kind == "post":
        source = f"tweet {tweet_id} on {platform}"
    else:
        source = f"@{username} on {platform}"
    return Target(platform=platform, kind=kind, username=username, tweet_id=tweet_id,
                  collect=collect, row=row, source=source)


def _collect(value: object, platform: str, kind: str) -> frozenset[str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return frozenset({REPLIES}) if kind == "post" else frozenset({FOLLOWERS, FOLLOWING})
    collect = parse_collect(value)
    if REPLIES in collect and platform == INSTAGRAM:
        raise InvalidValue("collect 'replies' on Instagram: Instagram has no replies lookup")
    if kind == "account" and REPLIES in collect:
        raise InvalidValue("collect 'replies' needs a post: give the tweet URL or a tweet_id; "
                           "an account collects followers and following")
    if kind == "post" and collect - {REPLIES}:
        wrong = " and ".join(sorted(collect - {REPLIES}))
        raise InvalidValue(f"collect {wrong} needs an account, and this row is a post "
                           f"(a post collects replies); give the account in its own row")
    return collect


def _kind(value: object) -> str:
    return {list: "list", dict: "mapping"}.get(type(value), type(value).__name__)
