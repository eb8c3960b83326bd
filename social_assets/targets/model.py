"""What a parsed target list is: ``Target``, ``RejectedRow``, ``TargetList`` and partition keys.

Partition keys are ``tw_<handle>``/``ig_<handle>`` (partitions ``accounts``) and
``tw_<tweet_id>`` (partitions ``posts``). They always match ``^[a-z0-9][a-z0-9_.-]{0,62}$``:
no commas or pipes (the Dagster UI's partition picker and backfills split on them), and safe
as file names. A key is derived from the normalised handle, so one account has one key however
the row spelled it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .values import (COLLECT_VALUES, INSTAGRAM, REPLIES, TWITTER, InvalidValue,
                     normalise_platform, normalise_tweet_id, normalise_username)

ACCOUNTS = "accounts"
POSTS = "posts"
PARTITIONS_DEF_NAMES = (ACCOUNTS, POSTS)
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")
_PREFIX = {TWITTER: "tw", INSTAGRAM: "ig"}
# Rows a file may have: a 10 MB list of ordinary rows has a few hundred thousand, and reading
# each costs a few microseconds, so a list of millions of tiny junk rows is refused, not read
# for half a minute into gigabytes of rejections.
MAX_ROWS = 500_000
_PLATFORM_BY_PREFIX = {prefix: platform for platform, prefix in _PREFIX.items()}


def too_many_rows(line: int) -> str:
    return (f"has more than {MAX_ROWS:,} rows (the limit is passed on line {line:,}); "
            f"a target list may have at most {MAX_ROWS:,}")


class TargetListError(ValueError):
    """The target list file as a whole is unusable (not YAML/CSV, not UTF-8, too large, ...).

    ``name`` is the file, ``reason`` what is wrong with it; ``str()`` gives both.
    """

    def __init__(self, reason: str, *, name: str | None = None):
        super().__init__(f"{name}: {reason}" if name else reason)
        self.reason = reason
        self.name = name


@dataclass(frozen=True)
class Target:
    """One account or post to collect, already validated and normalised.

    ``row`` is the 1-based line of the file where the row starts (YAML: the line of its list
    item; CSV: the line of the record, the header being line 1). ``source`` is the row's own text
    for messages: its URL as written, or ``@handle on twitter``, or ``tweet 123 on twitter``.
    Construction validates the invariants (normalised handle, 10-25 digit tweet id, ``collect``
    allowed for the kind and platform) and raises ``ValueError`` when one does not hold.
    """
    platform: str
    kind: str
    username: str | None
    tweet_id: str | None
    collect: frozenset[str]
    row: int
    source: str

    def __post_init__(self):
        object.__setattr__(self, "collect", frozenset(self.collect))
        if self.platform not in _PREFIX:
            raise ValueError(f"Target platform {self.platform!r}: expected 'twitter' or 'instagram'")
        if self.username is not None and normalise_username(self.platform, self.username) != self.username:
            raise ValueError(f"Target username {self.username!r} is not normalised "
                             f"(expected {normalise_username(self.platform, self.username)!r})")
        if not self.collect or not self.collect <= set(COLLECT_VALUES):
            raise ValueError(f"Target collect {sorted(self.collect)}: expected a non-empty subset "
                             f"of {', '.join(COLLECT_VALUES)}")
        if self.kind == "account":
            if self.username is None or self.tweet_id is not None:
                raise ValueError("Target account needs a username and no tweet_id")
            if REPLIES in self.collect:
                raise ValueError("Target account cannot collect replies (only a post can)")
        elif self.kind == "post":
            if self.platform != TWITTER or self.tweet_id is None:
                raise ValueError("Target post needs platform 'twitter' and a tweet_id")
            if normalise_tweet_id(self.tweet_id) != self.tweet_id:
                raise ValueError(f"Target tweet_id {self.tweet_id!r} is not 10 to 25 digits")
            if self.collect != {REPLIES}:
                raise ValueError("Target post can only collect replies")
        else:
            raise ValueError(f"Target kind {self.kind!r}: expected 'account' or 'post'")

    @property
    def partition_key(self) -> str:
        """``tw_<handle>`` / ``ig_<handle>`` for an account, ``tw_<tweet_id>`` for a post."""
        if self.kind == "post":
            return f"{_PREFIX[self.platform]}_{self.tweet_id}"
        return f"{_PREFIX[self.platform]}_{self.username}"

    @property
    def partitions_def_name(self) -> str:
        """``"accounts"`` or ``"posts"``: the dynamic partitions definition the key belongs to."""
        return ACCOUNTS if self.kind == "account" else POSTS


@dataclass(frozen=True)
class RejectedRow:
    """A row that names no usable target: its line (as ``Target.row``), its text, and why."""
    row: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row} ({self.text}): {self.reason}"


@dataclass(frozen=True)
class TargetList:
    """Every row of a file, either a target or a rejection.

    ``targets`` are in file order, one per partition key: a later row with the same key is
    merged into the first (the first row's fields kept, the ``collect`` sets united).
    """
    targets: tuple[Target, ...] = ()
    rejected: tuple[RejectedRow, ...] = ()

    def accounts(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.kind == "account")

    def posts(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.kind == "post")

    def by_key(self, partitions_def_name: str) -> dict[str, Target]:
        """The targets of ``"accounts"`` or ``"posts"`` by partition key, in file order."""
        _check_def_name(partitions_def_name)
        return {t.partition_key: t for t in self.targets
                if t.partitions_def_name == partitions_def_name}


def account_key(platform: str, username: str) -> str:
    """The ``accounts`` partition key: ``tw_janedoe``. Normalises (``@JaneDoe`` on ``x`` gives
    ``tw_janedoe``); ``ValueError`` naming the value when the platform or handle is invalid."""
    platform = normalise_platform(platform)
    return f"{_PREFIX[platform]}_{normalise_username(platform, username)}"


def post_key(platform: str, tweet_id: str) -> str:
    """The ``posts`` partition key: ``tw_1234567890123``. ``ValueError`` when the platform is not
    Twitter (only Twitter has a replies lookup) or the id is not 10 to 25 digits."""
    if normalise_platform(platform) != TWITTER:
        raise InvalidValue(f"posts are Twitter only; platform {platform!r} has no replies lookup")
    return f"{_PREFIX[TWITTER]}_{normalise_tweet_id(tweet_id)}"


def parse_partition_key(partitions_def_name: str, key: str) -> tuple[str, str]:
    """``("twitter", "janedoe")`` from ``("accounts", "tw_janedoe")``, ``("twitter", "<id>")`` from
    ``("posts", "tw_<id>")``: the inverse of ``account_key``/``post_key``. Only canonical keys
    are accepted; anything else is a ``ValueError`` naming the key and what is wrong."""
    _check_def_name(partitions_def_name)
    where = f"{partitions_def_name} partition key {key!r}"
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"malformed {where}: expected {KEY_PATTERN.pattern}")
    prefix, sep, value = key.partition("_")
    platform = _PLATFORM_BY_PREFIX.get(prefix) if sep else None
    if platform is None:
        raise ValueError(f"malformed {where}: expected it to start with tw_ or ig_")
    try:
        if partitions_def_name == POSTS:
            if platform != TWITTER:
                raise InvalidValue("posts are Twitter only (prefix tw_)")
            canonical = normalise_tweet_id(value)
        else:
            canonical = normalise_username(platform, value)
    except InvalidValue as exc:
        raise ValueError(f"malformed {where}: {exc}") from None
    if canonical != value:
        raise ValueError(f"malformed {where}: not canonical (expected {prefix}_{canonical})")
    return platform, value


def _check_def_name(name: str) -> None:
    if name not in PARTITIONS_DEF_NAMES:
        raise ValueError(f"unknown partitions definition {name!r}: expected 'accounts' or 'posts'")
