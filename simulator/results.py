"""A finished job's result: run the lookup against the world and shape it as configured.

Contract:
- Every account is shown under its handle at the job's epoch (the `renames` knob); an old
  handle is unknown from the rename's epoch on.
- An account missing from the world fails the job: "Profile not found: @<user> on <platform>";
  an unknown tweet id fails a replies job: "Tweet not found: <id>".
- Lists are cut to `max_results` keeping the most recent first; for `followers,following`
  the cap applies to each list (choice: the contract does not say).
- `total_count` is the number of rows returned (as in the provider's example) or, with
  `total_count="available"`, the number the target really has.
- Shapes (ResultShape, captured when the job is accepted): flat entries or `actor`-nested ones
  with numbers and booleans as strings; compound results `tagged` (one list, each entry has
  `relationship_type` "follower"/"following") or `split` (`followers` and `following` lists);
  `results_key="results"` moves the rows to `data.results` (always one tagged list there);
  `untagged` (flat entries only) is one list with no relationship on any entry: a layout no
  client can split, for testing that clients refuse to guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.config import SimulatorConfig
from simulator.validation import LookupSpec
from simulator.world import Account, World

RELATIONSHIP = {"followers": "follower", "following": "following", "replies": "reply"}


class LookupFailed(Exception):
    """The job ends `failed`; str() is its `error`."""


@dataclass(frozen=True)
class ResultShape:
    entry_shape: str = "flat"
    compound_shape: str = "tagged"
    results_key: str = "interactions"
    extra_fields: bool = True
    total_count: str = "returned"
    odd_text: bool = False

    @classmethod
    def from_config(cls, config: SimulatorConfig) -> ResultShape:
        return cls(entry_shape=config.entry_shape, compound_shape=config.compound_shape,
                   results_key=config.results_key, extra_fields=config.extra_fields,
                   total_count=config.total_count, odd_text=config.odd_text)


def run_lookup(world: World, spec: LookupSpec, epoch: int,
               shape: ResultShape) -> tuple[dict[str, Any], int]:
    """(fields to merge into the poll's `data`, number of rows); raises LookupFailed."""
    if spec.interaction_type == "replies":
        post = world.post(spec.tweet_id or "")
        if post is None:
            raise LookupFailed(f"Tweet not found: {spec.tweet_id}")
        author = world.as_of(post.author, epoch)
        replies = world.replies(post.tweet_id)
        lists = {"replies": [(world.as_of(a, epoch), {"reply_text": text, "reply_date": date})
                             for a, text, date in replies[:spec.max_results]]}
        available = len(replies)
    else:
        author = world.account(spec.platform, spec.username or "", epoch)
        if author is None:
            raise LookupFailed(f"Profile not found: @{spec.username} on {spec.platform}")
        lists, available = {}, 0
        for side in spec.interaction_type.split(","):
            related = getattr(world, side)(spec.platform, author.username, epoch)
            if shape.odd_text and side == "followers":
                related = [author, *related]  # the account follows itself
            lists[side] = [(a, {}) for a in related[:spec.max_results]]
            available += len(related)
    compound = len(lists) > 1
    rows = {side: [_entry(world, a, extra, RELATIONSHIP[side], epoch, shape, compound)
                   for a, extra in items] for side, items in lists.items()}
    if shape.odd_text:
        for side_rows in rows.values():
            _oddify(side_rows)
    returned = sum(map(len, rows.values()))
    target = {"username": author.username, "profile_url": author.profile_url}
    if spec.tweet_id and spec.interaction_type == "replies":
        target["tweet_id"] = spec.tweet_id
    result: dict[str, Any] = {"interaction_type": spec.interaction_type,
                              "platform": spec.platform, "target": target}
    if shape.extra_fields:
        result["has_more"] = available > returned
    flat_rows = [row for side in rows.values() for row in side]
    fields: dict[str, Any] = {"result": result}
    if shape.results_key == "results":
        fields["results"] = flat_rows
    elif compound and shape.compound_shape == "split":
        result.update(rows)
    else:
        result["interactions"] = flat_rows
    result["total_count"] = available if shape.total_count == "available" else returned
    return fields, returned


ODD_TEXT = (("bio", "line one\x00line two"), ("display_name", "Cut emoji \ud83d"),
            ("username", "bell\x07user"))


def _oddify(rows: list[dict[str, Any]]) -> None:
    """``odd_text``: the first three rows get one odd value each (see the config)."""
    for row, (name, value) in zip(rows, ODD_TEXT):
        holder = row.get("actor", row)
        holder[name] = value


def _entry(world: World, account: Account, extra: dict[str, Any], relationship: str,
           epoch: int, shape: ResultShape, compound: bool) -> dict[str, Any]:
    followers, following = world.counts(account, epoch)
    if shape.entry_shape == "actor":
        actor = _actor(account, followers, following, shape.extra_fields)
        return {"relationship_type": relationship, "actor": actor, **extra}
    entry: dict[str, Any] = {
        "username": account.username,
        "display_name": account.display_name,
        "profile_url": account.profile_url,
        "bio": account.bio,
        "followers_count": followers,
        "following_count": following,
        "verified": account.verified,
    }
    if shape.extra_fields:
        entry.update(_extras(account))
    if compound and (shape.compound_shape == "tagged" or shape.results_key == "results"):
        entry["relationship_type"] = relationship
    entry.update(extra)
    return entry


def _actor(account: Account, followers: int, following: int,
           extra_fields: bool) -> dict[str, Any]:
    """The richer third-party profile: every number and boolean sent as a string."""
    flag = (lambda b: "1" if b else "0") if account.bool_style == "01" \
        else (lambda b: "true" if b else "false")
    actor = {
        "id": account.id,
        "username": account.username,
        "display_name": account.display_name,
        "profile_url": account.profile_url,
        "bio": account.bio,
        "location": account.location,
        "image_url": account.image_url,
        "website": account.website,
        "followers_count": str(followers),
        "following_count": str(following),
        "tweets_count": str(account.tweets_count),
        "created_at": account.created_at,
        "verified": flag(account.verified),
        "blue_verified": flag(account.blue_verified),
        "protected": flag(account.protected),
    }
    if extra_fields:
        actor.update(_extras(account))
    return actor


def _extras(account: Account) -> dict[str, Any]:
    """Fields the contract does not name: clients must keep them, not choke on them."""
    return {"joined_year": int(account.created_at[:4]), "pronouns": account.pronouns}
