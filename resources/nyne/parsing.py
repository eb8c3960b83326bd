"""Tolerant parsing of the API's JSON into the typed models.

Third-party clients disagree on the layout, so this accepts every shape the contract lists:
the ``{"success", "data", "timestamp"}`` envelope; rows under ``data.result.interactions`` or
under ``data.results``; flat entries and ``{"relationship_type", "actor": {...}}`` entries;
numbers and booleans sent as strings. Unknown fields are kept (``Interaction.extra``,
``InteractionResult.raw``). For the compound ``followers,following`` type the two lists are
separated only from shapes we recognise; anything else raises ``UnknownResultShape`` rather
than guessing which list an entry belongs to.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from .entries import MISSING, parse_interaction, relationship_of, to_bool, to_int, to_str
from .errors import UnknownResultShape
from .models import COMPOUND_TYPE, Interaction, InteractionResult, JobStatus, Usage

_ROW_KEYS = ("interactions", "results")
# What json.loads leaves of a surrogate pair cut in half (an emoji split by a length cap, sent
# as the escape \ud83d): no UTF-8 text can hold it, so no Parquet, DuckDB or PostgreSQL string.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def repair_text(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings (keys too) replaced by U+FFFD, the
    Unicode replacement character; the API's exact bytes stay in ``landing/``."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub(REPLACEMENT, value) if _LONE_SURROGATE.search(value) else value
    if isinstance(value, list):
        return [repair_text(v) for v in value]
    if isinstance(value, Mapping):
        return {repair_text(k): repair_text(v) for k, v in value.items()}
    return value


class MalformedBody(Exception):
    """A 2xx body that is not the documented envelope (treated like a non-JSON body: retried)."""


def unwrap(body: Any) -> dict[str, Any]:
    """The ``data`` object of an envelope (a bare data object is accepted too), its text
    repaired (``repair_text``)."""
    if not isinstance(body, Mapping):
        raise MalformedBody(f"expected a JSON object, got {type(body).__name__}")
    data = body.get("data")
    if isinstance(data, Mapping):
        return repair_text(dict(data))
    if "request_id" in body or "status" in body or "credits_used" in body:
        return repair_text(dict(body))
    raise MalformedBody("JSON object without a 'data' object")


def _normalise_type(value: Any) -> Optional[str]:
    if not isinstance(value, str) or not value.strip():
        return None
    parts = sorted({p.strip().lower() for p in value.split(",") if p.strip()})
    return COMPOUND_TYPE if parts == ["followers", "following"] else ",".join(parts)


def _find(holders: list[Mapping[str, Any]], keys: tuple[str, ...]) -> Any:
    for holder in holders:
        for key in keys:
            if isinstance(holder.get(key), list):
                return holder[key]
    return None


def _split_lists(holders: list[Mapping[str, Any]]) -> Optional[tuple[list, list]]:
    """Shape (b): two lists ``followers`` and ``following`` (directly or under ``interactions``)."""
    for holder in holders:
        for box in (holder, holder.get("interactions"), holder.get("results")):
            if isinstance(box, Mapping):
                fol, ing = box.get("followers"), box.get("following")
                if isinstance(fol, list) and isinstance(ing, list):
                    return fol, ing
    return None


def parse_result(
    data: Mapping[str, Any], *, request_id: Optional[str] = None, expected_type: Optional[str] = None
) -> InteractionResult:
    """The result of a completed job, from the poll's ``data`` object."""

    def unknown(message: str) -> UnknownResultShape:
        return UnknownResultShape(message, request_id=request_id)

    result = data.get("result")
    holders: list[Mapping[str, Any]] = [result, data] if isinstance(result, Mapping) else [data]
    if isinstance(result, list):
        holders = [{"interactions": result}, data]
    meta = holders[0]
    declared = _normalise_type(meta.get("interaction_type") or meta.get("type"))
    expected = _normalise_type(expected_type)
    if declared and expected and declared != expected:
        raise unknown(f"asked for {expected!r} but the result says {declared!r}")
    itype = declared or expected
    if itype is None:
        raise unknown("the result does not say its interaction_type and none was expected")

    def parse_rows(rows: list, relationship: Optional[str], label: str) -> tuple[Interaction, ...]:
        out = []
        for i, row in enumerate(rows):
            try:
                out.append(parse_interaction(row, relationship))
            except TypeError as exc:
                raise unknown(f"{label} entry {i}: {exc}") from None
            tagged, raw = relationship_of(row)
            if itype == COMPOUND_TYPE and tagged not in (None, relationship):
                raise unknown(f"{label} entry {i} is tagged {raw!r}: the lists contradict the tags")
        return tuple(out)

    followers = following = None
    if itype == COMPOUND_TYPE:
        split = _split_lists(holders)
        rows = _find(holders, _ROW_KEYS)
        if split is not None:
            followers = parse_rows(split[0], "follower", "followers")
            following = parse_rows(split[1], "following", "following")
        elif rows is not None:
            fol, ing = [], []
            for i, row in enumerate(rows):
                rel, raw = relationship_of(row) if isinstance(row, Mapping) else (None, None)
                if rel is None:
                    who = row.get("username") if isinstance(row, Mapping) else None
                    raise unknown(
                        f"followers,following entry {i} (username {who!r}) has no recognisable "
                        f"relationship (relationship_type/interaction_type = {raw!r})"
                    )
                (fol if rel == "follower" else ing).append(parse_interaction(row, rel))
            followers, following = tuple(fol), tuple(ing)
        else:
            raise unknown(
                "a followers,following result needs 'followers' and 'following' lists or "
                f"tagged rows under {'/'.join(_ROW_KEYS)}; found keys {sorted(meta)}"
            )
        interactions = followers + following
    else:
        rel = {"followers": "follower", "following": "following"}.get(itype)
        rows = _find(holders, _ROW_KEYS + ((itype,) if rel else ()))
        if rows is None:
            raise unknown(f"no {'/'.join(_ROW_KEYS)} list in the result; found keys {sorted(meta)}")
        interactions = parse_rows(rows, rel, itype)
        if rel == "follower":
            followers = interactions
        elif rel == "following":
            following = interactions

    target = meta.get("target") if isinstance(meta.get("target"), Mapping) else {}
    total = to_int(meta.get("total_count"))
    return InteractionResult(
        interaction_type=itype,
        platform=to_str(meta.get("platform")) or None,
        target_username=to_str(target.get("username") or meta.get("target_username")) or None,
        target_profile_url=to_str(target.get("profile_url") or meta.get("target_profile_url"))
        or None,
        total_count=None if total is MISSING else total,
        interactions=interactions,
        followers=followers,
        following=following,
        raw=_raw(result, data),
    )


def _raw(result: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """The result JSON as received, plus rows the provider put beside it at the top of data."""
    if not isinstance(result, Mapping):
        return dict(data)
    raw = dict(result)
    for key in _ROW_KEYS + ("followers", "following"):
        if key in data and key not in raw:
            raw[key] = data[key]
    return raw


def _error_text(value: Any) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(value.get("message") or value.get("code") or value)
    return str(value)


def parse_job(
    data: Mapping[str, Any], *, request_id: str, expected_type: Optional[str] = None,
    with_result: bool = True,
) -> JobStatus:
    """A poll (or submit) ``data`` object; the result is parsed only once the job completed
    (and not at all with ``with_result=False``: the caller archives the raw body first)."""
    status = str(data.get("status") or "").strip().lower()
    completed = to_bool(data.get("completed")) is True or status == "completed"
    if status == "failed":
        completed = False
    rid = str(data.get("request_id") or request_id)
    result = (parse_result(data, request_id=rid, expected_type=expected_type)
              if completed and with_result else None)
    return JobStatus(
        request_id=rid,
        status=status or ("completed" if completed else "unknown"),
        completed=completed,
        result=result,
        error=_error_text(data.get("error")),
        completed_on=to_str(data.get("completed_on")) or None,
    )


def parse_usage(data: Mapping[str, Any]) -> Usage:
    limits = data.get("limits") if isinstance(data.get("limits"), Mapping) else {}

    def num(value: Any) -> Optional[int]:
        n = to_int(value)
        return None if n is MISSING else n

    flag = to_bool(limits.get("is_unlimited"))
    return Usage(
        credits_used=num(data.get("credits_used")),
        requests_count=num(data.get("requests_count")),
        monthly_allocation=num(limits.get("monthly_allocation")),
        available_credits=num(limits.get("available_credits")),
        is_unlimited=None if flag is MISSING else flag,
        raw=dict(data),
    )
