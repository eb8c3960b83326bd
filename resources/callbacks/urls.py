"""The callback route and its secret token: ``<public base>/nyne/callbacks/<token>``.

The API signs nothing, so the token in the path is what authenticates a delivery: it must be
long and URL-safe (>= 16 of ``A-Z a-z 0-9 _ -``, e.g. ``secrets.token_urlsafe(32)``). Errors
name the problem and never quote the token; ``redact`` hides it in any text we log.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ROUTE = "/nyne/callbacks/"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")
_ROUTE_IN_TEXT = re.compile(re.escape(ROUTE) + r"[^\s?#\"'/]*")


def check_token(token: str) -> None:
    """ValueError (never quoting the token) unless it is >= 16 URL-safe characters."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise ValueError("the callback token must be at least 16 characters of A-Z a-z 0-9 _ -")


def callback_url(public_base_url: str, token: str) -> str:
    """``<base without trailing slash>/nyne/callbacks/<token>``: the callback_url to submit."""
    parts = urlsplit(public_base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("the receiver's base URL must be an http(s) URL with a host")
    if parts.query or parts.fragment:
        raise ValueError("the receiver's base URL must not have a query or a fragment")
    check_token(token)
    return f"{public_base_url.rstrip('/')}{ROUTE}{token}"


def redact(text: str) -> str:
    """``text`` with every ``/nyne/callbacks/<token>`` shown as ``/nyne/callbacks/***``."""
    return _ROUTE_IN_TEXT.sub(ROUTE + "***", text)
