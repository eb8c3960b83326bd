"""The processes of a stack: a free port to start on, and a shutdown that leaves none behind.

A stack runs in its own session (``start_new_session``), so its process group id is the
leader's pid; a process that left the group is still found by the stack's own
``DAGSTER_HOME`` in its environment.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(proc: subprocess.Popen, home: Path, grace_s: float) -> list[int]:
    """SIGTERM to the whole group, SIGKILL after ``grace_s``; then SIGKILL to every process
    whose environment has ``DAGSTER_HOME=home``. Returns the pids still alive afterwards."""
    pgid = proc.pid
    _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and group_members(pgid):
        time.sleep(0.2)
    if group_members(pgid):
        _signal_group(pgid, signal.SIGKILL)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    # A process that left the group (a run worker in a new session) still carries this
    # stack's DAGSTER_HOME in its environment: find those by pid and kill them too.
    for pid in strays(home):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    end = time.monotonic() + 10
    while time.monotonic() < end and (group_members(pgid) or strays(home)):
        time.sleep(0.2)
    return sorted(set(strays(home)) | set(group_members(pgid)))


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _live_processes():
    """(pid, /proc entry, the fields of its stat after the name) of every process but zombies
    (a zombie is already dead, only not reaped yet)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            yield int(entry.name), entry, fields


def group_members(pgid: int) -> list[int]:
    return [pid for pid, _, fields in _live_processes() if int(fields[2]) == pgid]


def strays(home: Path) -> list[int]:
    """Every process but this one whose environment has ``DAGSTER_HOME=home``."""
    marker = f"DAGSTER_HOME={home}".encode()
    found = []
    for pid, entry, _ in _live_processes():
        if pid == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            found.append(pid)
    return found
