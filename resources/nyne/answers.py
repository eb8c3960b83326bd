"""Reading an answer the API gave, from its exact body (as the landing archive keeps it).

The lookups archive a completed poll's bytes before anything parses them; this is where those
bytes become a ``JobStatus`` again, and where the charge is read off them, so no code outside
``resources.nyne`` reads the API's JSON.
"""

from __future__ import annotations

import json
from typing import Optional

from .models import JobStatus
from .parsing import parse_job, unwrap
from .settings import CREDITS_PER_LOOKUP


def parse_answer(body: str, *, request_id: str, expected_type: Optional[str] = None) -> JobStatus:
    """The job an answer's ``body`` describes, its result parsed (``UnknownResultShape`` for
    a layout not recognised, ``ValueError`` for a body that is not JSON)."""
    return parse_job(unwrap(json.loads(body)), request_id=request_id, expected_type=expected_type)


def charged_credits(body: str) -> int:
    """What the provider charged for this answer: 3 with results, 0 when empty (or unreadable:
    the parse error then surfaces when the answer is turned into rows)."""
    try:
        result = parse_answer(body, request_id="-").result
        return result.credits if result is not None else CREDITS_PER_LOOKUP
    except Exception:  # noqa: BLE001 - an unknown shape is still a paid result
        return CREDITS_PER_LOOKUP
