"""For tests of servers: start a process as a background job or a wrapper would."""

import signal


def ignore_stop_signals() -> None:
    """A ``preexec_fn``: the child inherits SIGINT and SIGTERM ignored."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
