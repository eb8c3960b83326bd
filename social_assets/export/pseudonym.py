"""Keyed pseudonyms: HMAC-SHA256 of a field-tagged value under a secret salt from the environment.

A pseudonym is ``HMAC-SHA256(salt, "<field>\\x00<value>")`` as hex, cut to ``PSEUDONYM_HEX``
characters. The same salt gives the same pseudonym in every export (so researchers can join two
exports), another salt gives unrelated ones, and without the salt nobody can compute the
pseudonym of a handle they guess (a plain hash of ``twitter:alice`` could be looked up). The
field tag keeps fields apart: a display name equal to a handle gets another pseudonym.

32 hex characters are 128 bits: the chance that two of n accounts share a pseudonym is about
n² / 2¹²⁹, under 10⁻²⁵ for ten million accounts, and guessing the salt stays an HMAC key search
however short the output. ``privatize`` still checks that no two nodes collide.

The salt is read from ``$SOCIAL_EXPORT_SALT`` when the export step starts, never from config,
and must be at least ``MIN_SALT_BYTES`` long (UTF-8). It is never logged, never in metadata,
files or exceptions, and no fingerprint of it is published either: a hash of a weak salt can be
brute-forced. ``Pseudonymizer`` keeps only the keyed HMAC state, not the salt, and its ``repr``
says where the salt came from, never what it is.
"""

from __future__ import annotations

import hmac
import os

SALT_ENV = "SOCIAL_EXPORT_SALT"
MIN_SALT_BYTES = 16
PSEUDONYM_HEX = 32
_HOW = ("a secret of at least 16 bytes, e.g. `openssl rand -hex 32`, in the environment of "
        "the run (never in run config); keep it to get the same pseudonyms in the next export")


class ExportSaltError(ValueError):
    """The salt is missing or too weak; the message names the variable, never the value."""


class Pseudonymizer:
    """Pseudonyms under one salt: ``pseudonym(field, value)`` -> 32 hex characters."""

    def __init__(self, salt: bytes, source: str = "the given salt"):
        if len(salt) < MIN_SALT_BYTES:
            raise ExportSaltError(f"{source} is shorter than {MIN_SALT_BYTES} bytes: a short "
                                  f"salt can be guessed; give {_HOW}")
        self._mac = hmac.new(salt, digestmod="sha256")
        self._source = source

    @classmethod
    def from_environment(cls, variable: str = SALT_ENV) -> Pseudonymizer:
        """The salt of ``$variable``; ``ExportSaltError`` naming the variable when it is unset,
        empty or shorter than ``MIN_SALT_BYTES`` bytes."""
        value = os.environ.get(variable)
        if not value:
            raise ExportSaltError(f"${variable} is not set: the private export needs {_HOW}")
        return cls(value.encode("utf-8", "surrogatepass"), source=f"${variable}")

    def pseudonym(self, field: str, value: str) -> str:
        """The pseudonym of ``value`` as field ``field`` (``"account"``, ``"display_name"``...)."""
        if "\x00" in field:
            raise ValueError(f"a field tag cannot hold NUL: {field!r}")
        mac = self._mac.copy()
        mac.update(f"{field}\x00{value}".encode("utf-8", "surrogatepass"))
        return mac.hexdigest()[:PSEUDONYM_HEX]

    def __repr__(self) -> str:
        return f"Pseudonymizer(salt from {self._source})"

    def __reduce__(self):
        raise TypeError("a Pseudonymizer is not pickled: it would carry its salt")
