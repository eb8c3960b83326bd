"""The API key and secret: sent only as headers, never shown by repr, scrubbed from any text.

The provider also accepts them as query parameters; we never use those, since URLs end up in
logs (ours, httpx's, proxies').
"""

from __future__ import annotations

from .errors import AuthenticationError


class Credentials:
    __slots__ = ("_key", "_secret", "_others")

    def __init__(self, api_key: str, api_secret: str, others: tuple[str, ...] = ()) -> None:
        """``others``: more secrets to scrub (the callback token rides in a submit's body)."""
        if not api_key:
            raise AuthenticationError("no API key configured", code="missing_api_key")
        if not api_secret:
            raise AuthenticationError("no API secret configured", code="missing_api_secret")
        self._key, self._secret = api_key, api_secret
        self._others = tuple(o for o in others if o)

    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self._key, "X-API-Secret": self._secret}

    def redact(self, text: str) -> str:
        """``text`` with the key, the secret and the others replaced by ``***``."""
        for value in (self._secret, self._key, *self._others):
            if len(value) >= 4:  # replacing a 1-3 character "secret" would garble every text
                text = text.replace(value, "***")
        return text

    def __repr__(self) -> str:
        return "Credentials(api_key='***', api_secret='***')"

    __str__ = __repr__
