"""The single values of a target row: platform, username, tweet id and ``collect``.

Every function here either returns the normalised value or raises ``InvalidValue`` whose text
says what is wrong and quotes the offending input, ready to become a ``RejectedRow.reason``.
Nothing is guessed: a look-alike character is rejected, never transliterated.
"""
from __future__ import annotations

import difflib
import re
import unicodedata

TWITTER = "twitter"
INSTAGRAM = "instagram"
PLATFORM_LABEL = {TWITTER: "Twitter", INSTAGRAM: "Instagram"}
# What a row may write in `platform:`, compared case-insensitively.
PLATFORM_ALIASES = {"twitter": TWITTER, "x": TWITTER, "tw": TWITTER,
                    "instagram": INSTAGRAM, "ig": INSTAGRAM}

FOLLOWERS = "followers"
FOLLOWING = "following"
REPLIES = "replies"
COLLECT_VALUES = (FOLLOWERS, FOLLOWING, REPLIES)

# Handle rules. Twitter: 1-15 of [A-Za-z0-9_] (its signup rules); Instagram: 1-30 of
# [A-Za-z0-9._], no leading/trailing dot, no two dots in a row. Stored lowercased.
_USERNAME_RULES = {
    TWITTER: (15, frozenset("abcdefghijklmnopqrstuvwxyz0123456789_"), "a-z 0-9 _"),
    INSTAGRAM: (30, frozenset("abcdefghijklmnopqrstuvwxyz0123456789._"), "a-z 0-9 . _"),
}
# Fast path only: a handle that matches needs no character-by-character check.
_PLAIN_USERNAME = {TWITTER: re.compile(r"[a-z0-9_]{1,15}"),
                   INSTAGRAM: re.compile(r"(?!\.)(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)")}
# The API contract: a tweet id is 10 to 25 digits.
TWEET_ID_DIGITS = (10, 25)
_DIGITS = re.compile(r"[0-9]+")
_COLLECT_SEPARATORS = re.compile(r"[,;|\s]+")


_CONTROL_NAMES = {"\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}


class InvalidValue(ValueError):
    """One value of a row is unusable; ``str()`` is the reason, quoting the value."""


def show(text: str, limit: int = 80) -> str:
    """``text`` for a message: invisible characters escaped (``\\u200d``), cut at ``limit``."""
    out = text if text.isprintable() else "".join(
        ch if ch.isprintable() else _escape(ch) for ch in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def quote(text: str, limit: int = 80) -> str:
    return f"'{show(text, limit)}'"


def _escape(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def describe_char(ch: str) -> str:
    """``'а' (U+0430 CYRILLIC SMALL LETTER A)``: the character, its code point and name."""
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ch) or (
        "control character" if unicodedata.category(ch) == "Cc" else "unnamed character")
    return f"{quote(ch)} (U+{ord(ch):04X} {name})"


def normalise_platform(value: str) -> str:
    """``"twitter"`` or ``"instagram"`` from any alias (twitter, x, tw, instagram, ig; any case)."""
    platform = PLATFORM_ALIASES.get(value.strip().lower())
    if platform is None:
        raise InvalidValue(f"unknown platform {quote(value.strip())}{non_ascii(value)}: expected "
                           f"twitter (or x, tw) or instagram (or ig)")
    return platform


def non_ascii(text: str) -> str:
    """``" (its 'х' (U+0445 CYRILLIC SMALL LETTER HA) is not ASCII)"``, naming the first
    character of ``text`` that is not ASCII (a look-alike of a Latin letter shows the same);
    ``""`` when every character is ASCII."""
    ch = next((c for c in text if not c.isascii()), None)
    return "" if ch is None else f" (its {describe_char(ch)} is not ASCII)"


def normalise_username(platform: str, value: str) -> str:
    """The canonical handle: stripped, one leading ``@`` removed, NFC, lowercased, validated.

    Only ASCII letters, digits and ``_`` (Instagram also ``.``) are accepted; any other character
    (space, ``/``, ``%``, a Cyrillic or full-width look-alike, a zero-width joiner, an emoji) is
    named in the error. A character that NFC would fold into ASCII (U+212A KELVIN SIGN) is a
    look-alike too and is rejected.
    """
    if _PLAIN_USERNAME[platform].fullmatch(value):
        return value
    max_len, allowed, allowed_text = _USERNAME_RULES[platform]
    raw = value.strip()
    raw = raw[1:] if raw.startswith("@") else raw
    if not raw:
        raise InvalidValue("username is empty")
    nfc = unicodedata.normalize("NFC", raw)
    for ch in nfc:
        if not (ch.isascii() and ch.lower() in allowed):
            raise InvalidValue(f"username {quote(raw)} has character {describe_char(ch)}, "
                               f"allowed: {allowed_text}")
    if not raw.isascii():  # NFC turned a look-alike into ASCII: reject the original character
        ch = next(c for c in raw if not c.isascii())
        raise InvalidValue(f"username {quote(raw)} has character {describe_char(ch)}, "
                           f"allowed: {allowed_text}")
    username = nfc.lower()
    label = PLATFORM_LABEL[platform]
    if len(username) > max_len:
        raise InvalidValue(f"username {quote(raw)} is {len(username)} characters long, "
                           f"{label} allows at most {max_len}")
    if platform == INSTAGRAM:
        if username.startswith(".") or username.endswith("."):
            raise InvalidValue(f"username {quote(raw)} starts or ends with '.', "
                               f"which {label} does not allow")
        if ".." in username:
            raise InvalidValue(f"username {quote(raw)} has two dots in a row, "
                               f"which {label} does not allow")
    return username


def normalise_tweet_id(value: str | int) -> str:
    """The tweet id as a string of 10 to 25 ASCII digits, kept exactly as written.

    An ``int`` is accepted (YAML writes ids unquoted); a negative number, a decimal or a
    spreadsheet's scientific notation (``1.23457E+18``, digits already lost) is rejected.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidValue(f"tweet id must be digits, got {type(value).__name__}")
    text = str(value).strip()
    low, high = TWEET_ID_DIGITS
    if not text:
        raise InvalidValue("tweet id is empty")
    if _DIGITS.fullmatch(text):
        if not low <= len(text) <= high:
            raise InvalidValue(f"tweet id {quote(text)} has {len(text)} digits, "
                               f"expected {low} to {high}")
        return text
    if text.startswith("-") and _DIGITS.fullmatch(text[1:]):
        raise InvalidValue(f"tweet id {quote(text)} is negative, expected {low} to {high} digits")
    if re.fullmatch(r"[+-]?[0-9]*\.?[0-9]*(?:[eE][+-]?[0-9]+)?", text) and any(
            c.isdigit() for c in text):
        raise InvalidValue(f"tweet id {quote(text)} is a decimal number, not {low} to {high} digits "
                           f"(a spreadsheet may have rounded it: store the column as text)")
    bad = next((c for c in text if not ("0" <= c <= "9")), text[0])
    raise InvalidValue(f"tweet id {quote(text)} has character {describe_char(bad)}, "
                       f"expected {low} to {high} digits")


def parse_collect(value: str | list) -> frozenset[str]:
    """The set named by ``collect``: a list, or one string separated by ``,`` ``;`` ``|`` or spaces.

    Values are case-insensitive; an unknown value or an empty list is rejected. (A missing or
    blank ``collect`` never reaches here: it means "the default".)
    """
    if isinstance(value, str):
        items = [v for v in _COLLECT_SEPARATORS.split(value.strip()) if v]
    elif isinstance(value, list):
        if len(value) > len(COLLECT_VALUES) * 4:
            raise InvalidValue(f"collect has more than {len(COLLECT_VALUES) * 4} values, expected "
                               f"at most {len(COLLECT_VALUES)}: {', '.join(COLLECT_VALUES)}")
        items = []
        for item in value:
            if not isinstance(item, str):
                raise InvalidValue(f"collect has a {_type_name(item)} among its values, "
                                   f"expected names: {', '.join(COLLECT_VALUES)}")
            items.append(item.strip())
    else:
        raise InvalidValue(f"collect must be a list or a text, got a {_type_name(value)}")
    if not items:
        raise InvalidValue(f"collect is empty: name at least one of {', '.join(COLLECT_VALUES)}, "
                           f"or leave collect out for the default")
    chosen = set()
    for item in items:
        name = item.lower()
        if name not in COLLECT_VALUES:
            raise InvalidValue(f"unknown collect value {quote(item)}{did_you_mean(name, COLLECT_VALUES)}"
                               f"; allowed: {', '.join(COLLECT_VALUES)}")
        chosen.add(name)
    return frozenset(chosen)


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    return {list: "list", dict: "mapping", str: "text"}.get(type(value), type(value).__name__)
