"""Values as GraphML and GEXF can store them: plain ``str``/``int``/``float``/``bool``, never None.

Both formats are XML and type each attribute once, so a value is converted to its attribute's
one Python type (PostgreSQL's ``Decimal`` and numpy scalars included), timestamps become ISO 8601
text in UTC, and a character XML 1.0 cannot carry (a C0 control, a lone surrogate) is written as
its escape, the text ``\x07`` or ``\ud83d``, so nothing is lost and two names that differ only
there stay two nodes. ``None`` means "leave
the attribute out": a reader then sees a missing value, not a made-up 0 or empty string.
"""

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from typing import Any

# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text(value: Any) -> str | None:
    """Text with each character XML cannot hold written as its escape; None for None."""
    if value is None:
        return None
    return _NOT_XML.sub(_escape, str(value))


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def integer(value: Any) -> int | None:
    return None if value is None else int(value)


def real(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def boolean(value: Any) -> bool | None:
    return None if value is None else bool(value)


def timestamp(value: Any) -> str | None:
    """ISO 8601 in UTC (a naive datetime is taken as UTC, as the warehouse stores it)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return text(value)


def convert(row: Mapping[str, Any], types: Mapping[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """The columns of ``row`` named in ``types``, converted, with the None ones left out."""
    converted = {name: to_type(row.get(name)) for name, to_type in types.items()}
    return {name: value for name, value in converted.items() if value is not None}
