"""The target list file: which accounts and posts to collect (``$SOCIAL_TARGETS_FILE``)."""

import hashlib
import os
import stat
from pathlib import Path
from typing import Optional

import dagster as dg
from pydantic import Field


DEFAULT_TARGETS_FILE = "targets.yaml"
TARGETS_FILE_ENV = "SOCIAL_TARGETS_FILE"
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
        return resolve_targets_path(self.path)

    def should_prune(self) -> bool:
        if self.prune_removed is not None:
            return self.prune_removed
        return os.environ.get("SOCIAL_PRUNE_REMOVED_TARGETS", "").strip().lower() in _TRUE

    def read_bytes(self) -> bytes:
        """The file's bytes (``read_target_bytes``)."""
        return read_target_bytes(self.resolved_path())


MAX_BYTES = 10 * 1024 * 1024
"""The largest target list read (10 MiB); the parser refuses more from any source too."""


class TargetFileUnreadable(OSError):
    """The target list file cannot be used as one; ``str()`` names the path and the reason."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"target list {path} {reason}")
        self.path, self.reason = path, reason


class TargetFileMissing(TargetFileUnreadable):
    """There is no file at the path (yet)."""


def resolve_targets_path(explicit: Optional[str | os.PathLike] = None) -> Path:
    """``explicit``, else ``$SOCIAL_TARGETS_FILE``, else ``./targets.yaml``."""
    configured = explicit or os.environ.get(TARGETS_FILE_ENV) or DEFAULT_TARGETS_FILE
    return Path(configured).expanduser().resolve()


def read_target_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of the target list at ``path``, the one way every reader (the sensor, the
    schedules, ``collect``) reads it. ``TargetFileMissing`` when there is no file;
    ``TargetFileUnreadable`` when it is a directory, not a regular file (a FIFO or a device:
    opened without blocking, so a FIFO with no writer is refused, never waited on), over
    ``MAX_BYTES`` (checked before reading), or unreadable."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise TargetFileMissing(path, "does not exist") from None
    except IsADirectoryError:
        raise TargetFileUnreadable(path, "is a directory, not a target list file") from None
    except OSError as exc:
        raise TargetFileUnreadable(path, f"cannot be read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)  # of what was opened: no swap between a check and the open
        if stat.S_ISDIR(info.st_mode):
            raise TargetFileUnreadable(path, "is a directory, not a target list file")
        if not stat.S_ISREG(info.st_mode):
            raise TargetFileUnreadable(path, "is not a regular file (a FIFO or a device would "
                                             "block or never end)")
        if info.st_size > MAX_BYTES:
            raise TargetFileUnreadable(path, too_large(info.st_size))
        with os.fdopen(fd, "rb") as f:
            fd = -1  # the file object closes it now
            try:
                data = f.read(MAX_BYTES + 1)
            except OSError as exc:
                raise TargetFileUnreadable(path, f"cannot be read: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_BYTES:  # it grew while being read
        raise TargetFileUnreadable(path, too_large(len(data)))
    return data


def too_large(size: int) -> str:
    return f"is {size:,} bytes, more than the {MAX_BYTES:,} bytes (10 MB) a target list may have"


def digest(raw: bytes) -> str:
    """A short, stable fingerprint of the file's bytes: the sensor's cursor."""
    return hashlib.sha256(raw).hexdigest()[:16]
