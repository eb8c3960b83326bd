"""The target list file: which accounts and posts to collect (``$SOCIAL_TARGETS_FILE``)."""

import hashlib
import os
import stat
from pathlib import Path
from typing import Optional

import dagster as dg
from pydantic import Field


DEFAULT_TARGETS_FILE = "targets.yaml"
_TRUE = {"1", "true", "yes", "on"}


class TargetListResource(dg.ConfigurableResource):
    """Reads the target list (YAML or CSV) that the sensor and the schedule follow.

    ``path`` wins over ``$SOCIAL_TARGETS_FILE``, which wins over ``./targets.yaml``.
    ``prune_removed`` (or ``$SOCIAL_PRUNE_REMOVED_TARGETS=true``) lets the sensor delete the
    partition of a row that was removed from the list; off by default, because a deleted
    partition's history can no longer be browsed by key in the UI.
    """

    path: Optional[str] = Field(default=None, description="Target list file (.yaml/.yml/.csv).")
    prune_removed: Optional[bool] = Field(
        default=None,
        description="Delete partitions whose rows were removed from the list. Default: off.",
    )

    def resolved_path(self) -> Path:
        configured = self.path or os.environ.get("SOCIAL_TARGETS_FILE") or DEFAULT_TARGETS_FILE
        return Path(configured).expanduser().resolve()

    def should_prune(self) -> bool:
        if self.prune_removed is not None:
            return self.prune_removed
        return os.environ.get("SOCIAL_PRUNE_REMOVED_TARGETS", "").strip().lower() in _TRUE

    def read_bytes(self) -> bytes:
        """The file's bytes; ``TargetFileUnreadable`` naming the path when it cannot be read."""
        path = self.resolved_path()
        try:
            if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or a device would block or never end
                raise TargetFileUnreadable(f"target list {path} is not a regular file")
            with path.open("rb") as f:
                return f.read(READ_LIMIT + 1)  # past the limit, the parser names the size
        except TargetFileUnreadable:
            raise
        except FileNotFoundError:
            raise TargetFileUnreadable(f"target list {path} does not exist") from None
        except OSError as exc:
            raise TargetFileUnreadable(f"target list {path} cannot be read: {exc.strerror}") from None


READ_LIMIT = 10 * 1024 * 1024  # the parser's MAX_BYTES: a bigger list is refused anyway


class TargetFileUnreadable(OSError):
    """The target list file is missing or unreadable; the message names the path."""


def digest(raw: bytes) -> str:
    """A short, stable fingerprint of the file's bytes: the sensor's cursor."""
    return hashlib.sha256(raw).hexdigest()[:16]
