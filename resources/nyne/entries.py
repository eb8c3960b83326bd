"""One row of a result: flat or ``actor``-nested, with numbers and booleans sent as strings.

The entry's ``id`` (flat or in ``actor``) becomes ``account_id``, text (``12345`` -> "12345").

Named fields are coerced (``"180000000"`` -> 180000000, ``"0"``/``"yes"`` -> bool); a value
that cannot be coerced (``"1.2K"``) becomes None on the model and is kept raw in ``extra``
under its own name; every field the contract does not name goes to ``extra`` as received.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from .models import Interaction

_STR_FIELDS = ("username", "display_name", "profile_url", "bio", "reply_text", "reply_date")
_INT_FIELDS = ("followers_count", "following_count")
_BOOL_FIELDS = ("verified",)
# The account's own id, the one key that survives a change of handle. The contract names only
# `id` (in the `actor`-nested profile, nyne-api.md); nothing suggests `user_id`/`pk` spellings.
_ID_FIELDS = {"id": "account_id"}
_RELATIONSHIP_KEYS = ("relationship_type", "interaction_type", "relationship")
_INT_TEXT = re.compile(r"^[+-]?\d+(\.0*)?$")
_TRUE, _FALSE = {"1", "true", "yes"}, {"0", "false", "no"}
MISSING = object()  # a value that could not be coerced


def to_int(value: Any) -> Any:
    """``"180000000"`` -> 180000000; None/"" -> None; ``"1.2K"``, garbage -> ``MISSING``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return MISSING
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else MISSING
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if _INT_TEXT.match(text):
            return int(text.split(".")[0])
    return MISSING


def to_bool(value: Any) -> Any:
    """``"0"/"1"/"true"/"false"/"yes"/"no"`` (any case) and 0/1 -> bool; None/"" -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return MISSING


def to_str(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return MISSING


def relationship_of(entry: Mapping[str, Any]) -> tuple[Optional[str], Any]:
    """("follower" | "following" | None, the raw value found) for one row."""
    for source in (entry, entry.get("actor")):
        if not isinstance(source, Mapping):
            continue
        for key in _RELATIONSHIP_KEYS:
            raw = source.get(key)
            if raw is None:
                continue
            text = str(raw).strip().lower()
            if text in ("follower", "followers"):
                return "follower", raw
            if text == "following":
                return "following", raw
            return None, raw
    return None, None


def parse_interaction(entry: Any, relationship: Optional[str] = None) -> Interaction:
    """One row, flat or ``actor``-nested; every field not named by the contract goes to extra."""
    if not isinstance(entry, Mapping):
        raise TypeError(f"an interaction must be a JSON object, got {entry!r:.80}")
    fields: dict[str, Any] = {k: v for k, v in entry.items() if k != "actor"}
    extra: dict[str, Any] = {}
    actor = entry.get("actor")
    if isinstance(actor, Mapping):
        for key, value in actor.items():
            if key in fields and fields[key] != value:
                extra[f"wrapper_{key}"] = fields[key]  # keep the wrapper's differing value
            fields[key] = value
    elif actor is not None:
        extra["actor"] = actor
    named: dict[str, Any] = {}
    for key, value in fields.items():
        if key in _STR_FIELDS:
            coerced = to_str(value)
        elif key in _INT_FIELDS:
            coerced = to_int(value)
        elif key in _BOOL_FIELDS:
            coerced = to_bool(value)
        elif key in _ID_FIELDS:
            coerced = to_str(value)
            if isinstance(coerced, str):
                coerced = coerced.strip() or None
            if coerced is not MISSING:
                named[_ID_FIELDS[key]] = coerced
                continue
        else:
            extra[key] = value
            continue
        if coerced is MISSING:
            extra[key] = value  # e.g. followers_count "1.2K": keep the raw text, never drop it
        else:
            named[key] = coerced
    return Interaction(**named, relationship=relationship, extra=extra)
