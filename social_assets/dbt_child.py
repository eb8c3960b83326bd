"""``social-graph-dbt``: this venv's dbt, as a process that dies with the one that started it.

dagster-dbt runs ``dbt build`` as a child process. When ``social-graph collect`` (or a run
worker) is killed with SIGKILL, that child lived on: it kept building and held the DuckDB
warehouse's lock, so the next build failed. Here the child asks Linux to send it SIGTERM when
its parent dies (``PR_SET_PDEATHSIG``), then runs dbt's own command line in this process.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """SIGTERM this process when its parent exits; exit now if it already has (the parent
    may have died before the request was made)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        sys.exit(f"social-graph-dbt: the process that started it (pid {parent}) is gone")


def main() -> None:
    die_with_parent()
    from dbt.cli.main import cli

    sys.exit(cli())


if __name__ == "__main__":
    main()
