"""Which process holds something: ``<host>:<pid>`` labels, and whether that process is gone.

Shared by the ledger (a claim whose process died is taken over) and ``collect`` (a run whose
process died is closed). Only a process of this host can be seen to be gone; one on another
host is never declared dead here (callers fall back to a timeout).
"""

from __future__ import annotations

import os
import socket
from typing import Optional


def this_process() -> str:
    """This process's label, ``<host>:<pid>``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def is_gone(label: Optional[str]) -> bool:
    """True when ``label`` names a process of this host that no longer exists."""
    host, _, pid = (label or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return False
