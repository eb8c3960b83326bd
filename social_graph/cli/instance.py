"""The local Dagster instance the command line runs on: ``$DAGSTER_HOME``, or ``./.dagster_home``."""

import fcntl
import os
from pathlib import Path

import dagster as dg

DEFAULT_DAGSTER_HOME = ".dagster_home"

# SQLite storage under DAGSTER_HOME (Dagster's default), plus what this project relies on:
# one step talking to the API at a time by default (each step drives many lookups itself, and the
# client's rate limiter lives in that one process: raise the limit only together with lowering
# each run's rate budget), and pool slots freed when a run dies.
INSTANCE_YAML = """\
# Written by social-graph for a local instance. See README.md, "Dagster instance".
concurrency:
  pools:
    default_limit: 1
run_monitoring:
  enabled: true
  free_slots_after_run_end_seconds: 60
telemetry:
  enabled: false
"""


def ensure_dagster_home() -> Path:
    """Point ``DAGSTER_HOME`` at an existing folder with a ``dagster.yaml``; returns it.

    An unset ``DAGSTER_HOME`` becomes ``./.dagster_home``. A ``dagster.yaml`` that exists is
    never touched; a missing one is written with the settings above.
    """
    home = Path(os.environ.get("DAGSTER_HOME") or DEFAULT_DAGSTER_HOME).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def open_instance() -> dg.DagsterInstance:
    """The instance at ``$DAGSTER_HOME`` (made ready by ``ensure_dagster_home``).

    Opened under a file lock: on a fresh home, opening creates the SQLite storage, and two
    processes creating it at once collide (``table secondary_indexes already exists``).
    """
    home = ensure_dagster_home()
    with open(home / ".social-graph-open.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return dg.DagsterInstance.get()
