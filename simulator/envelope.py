"""Response bodies in the provider's envelope, and the request/reply types of the handler.

Success: `{"success": true, "data": {...}, "timestamp": "..."}`.
Error: `{"success": false, "error": {"code": "...", "message": "..."}, "timestamp": "..."}`
(choice: the contract leaves the error shape open; this is the first place clients look).
The envelope `timestamp` has no zone suffix, as in the provider's example; job times
(`created_on`, `completed_on`) are UTC with a `Z`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


def envelope_time(at: float) -> str:
    return datetime.fromtimestamp(at, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def iso_z(at: float) -> str:
    return datetime.fromtimestamp(at, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Request:
    """What the handler read: query parameters (first value each), headers, raw body."""

    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]  # case-insensitive
    body: bytes
    client_ip: str


@dataclass
class Reply:
    """What the handler sends: a status, headers and a body (bytes, already encoded)."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    request_id: str | None = None  # for the request log
    content_type: str = "application/json"


def ok_data(data: dict[str, Any], at: float) -> dict[str, Any]:
    return {"success": True, "data": data, "timestamp": envelope_time(at)}


def ok(status: int, data: dict[str, Any], at: float) -> Reply:
    return Reply(status, encode(ok_data(data, at)), request_id=data.get("request_id"))


def error(status: int, code: str, message: str, at: float) -> Reply:
    body = {"success": False, "error": {"code": code, "message": message},
            "timestamp": envelope_time(at)}
    return Reply(status, encode(body))


def encode(body: Any) -> bytes:
    try:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (odd_text): sent as its JSON escape, \ud83d
        return json.dumps(body).encode("ascii")
