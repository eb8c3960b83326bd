"""API credentials: `X-API-Key` / `X-API-Secret` headers, or `api_key` / `api_secret` query
parameters (the provider accepts both; headers win when both are given).

Checked in this order, first failure answers: missing key (401 `missing_api_key`), unknown key
(401 `invalid_api_key`), missing secret (401 `missing_api_secret`), wrong secret
(401 `invalid_api_secret`), disabled key (403 `api_key_disabled`). A disabled key is one of
`disabled_keys`; it is known, and the account's secret still has to match.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from simulator.config import SimulatorConfig


class AuthError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def authenticate(config: SimulatorConfig, headers: Mapping[str, str],
                 query: Mapping[str, str]) -> None:
    """Return if the credentials are good; raise AuthError otherwise."""
    key = headers.get("X-API-Key") or query.get("api_key")
    secret = headers.get("X-API-Secret") or query.get("api_secret")
    if not key:
        raise AuthError(401, "missing_api_key", "API key is required (X-API-Key header)")
    disabled = any(_same(key, k) for k in config.disabled_keys)
    if not (_same(key, config.api_key) or disabled):
        raise AuthError(401, "invalid_api_key", "Invalid API key")
    if not secret:
        raise AuthError(401, "missing_api_secret",
                        "API secret is required (X-API-Secret header)")
    if not _same(secret, config.api_secret):
        raise AuthError(401, "invalid_api_secret", "Invalid API secret")
    if disabled:
        raise AuthError(403, "api_key_disabled", "This API key has been disabled")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
