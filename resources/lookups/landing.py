"""The landing archive: every completed result's exact JSON, kept before it becomes Parquet.

One gzip file per request, ``<data>/landing/<request_id>.json.gz``, holding a small JSON record:
what was asked (the lookup's parameters and partition key), when and how the answer came (poll
or callback), and ``body``: the API's answer, byte for byte, as text. Parquet is derived from
it (``social_assets.snapshots``, through ``resources.nyne.parse_answer``), so ``social-graph rebuild`` regenerates every table from
this folder with no API call, and a result whose shape the parser does not know yet is kept,
paid once, until a parser that knows it turns it into rows.

Writes are atomic (temporary name, then rename; on object storage one upload of the final key,
which appears whole or not at all, and no temporary key a reader's ``*.json.gz`` could match)
and first-wins: a request id lands once.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from resources.datadir import DataPath, is_remote, put_bytes
from resources.nyne import JobStatus, parse_answer

FORMAT = "social-graph/landing@1"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")


@dataclass(frozen=True)
class Landed:
    """One archived result."""

    request_id: str
    target: str  # the partition key, e.g. "twitter/janedoe" or "twitter/1801234567890123456"
    lookup: dict[str, Any]  # platform, interaction_type, username, tweet_id, max_results
    received_at: datetime
    via: str  # "poll" or "callback"
    body: str  # the API's answer, exactly

    def job(self) -> JobStatus:
        """The parsed answer (raises ``UnknownResultShape`` for a layout not recognised)."""
        return parse_answer(self.body, request_id=self.request_id,
                            expected_type=self.lookup.get("interaction_type"))

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "request_id": self.request_id, "target": self.target,
                "lookup": self.lookup, "received_at": self.received_at.isoformat(),
                "via": self.via, "body": self.body}


def landing_dir(data_root: DataPath) -> DataPath:
    return data_root / "landing"


def landing_path(landing: DataPath, request_id: str) -> DataPath:
    """Where ``request_id`` lands; the id must be a plain name (it comes from the API)."""
    if not _SAFE_ID.match(request_id) or ".." in request_id:
        raise ValueError(f"request id {request_id!r} is not safe as a file name")
    return landing / f"{request_id}.json.gz"


def land(landing: DataPath, record: Landed) -> DataPath:
    """Archive ``record`` unless its request already landed (first wins); returns the path."""
    path = landing_path(landing, record.request_id)
    if path.exists():
        return path
    data = json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    if is_remote(path):  # one upload: a race of two runs leaves one whole record, as locally
        put_bytes(path, gzip.compress(data, mtime=0))
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(gzip.compress(data, mtime=0))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_landed(path: DataPath) -> Landed:
    """One archived record; ``ValueError`` naming the file if it is not one."""
    try:
        doc = json.loads(gzip.decompress(path.read_bytes()))
        if doc.get("format") != FORMAT:
            raise ValueError(f"format {doc.get('format')!r}, expected {FORMAT!r}")
        return Landed(str(doc["request_id"]), str(doc["target"]), dict(doc["lookup"]),
                      datetime.fromisoformat(doc["received_at"]), str(doc["via"]),
                      str(doc["body"]))
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path} is not a landing record: {exc}") from exc


def iter_landed(landing: DataPath) -> Iterator[DataPath]:
    """Every record file of the archive, in name order."""
    if landing.is_dir():
        yield from sorted(p for p in landing.glob("*.json.gz") if not p.name.startswith("."))

