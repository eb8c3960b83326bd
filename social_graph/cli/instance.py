"""The local Dagster instance the command line runs on: ``$DAGSTER_HOME``, or ``./.dagster_home``."""

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Iterator

import dagster as dg

DEFAULT_DAGSTER_HOME = ".dagster_home"

# SQLite storage under DAGSTER_HOME (Dagster's default), plus what this project relies on: one
# step at a time in any pool without a limit of its own (`default_limit`), and pool slots freed
# when a run dies. dagster.yaml has no per-pool limits in Dagster 1.13 (only `default_limit`):
# a pool's own limit lives in the instance's storage, where `dagster instance concurrency set`
# and the UI (Deployment > Concurrency) put it, and where POOL_LIMITS below are set.
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


# The pools of the assets (social_assets.lookups.API_POOL, social_assets.warehouse.WAREHOUSE_POOL)
# on an instance whose dagster.yaml is ours. Three API steps at once: every client of the API
# account, in every run and process, takes its requests from one shared budget (the rate
# limiter's store, `SOCIAL_RATE_LIMIT_URL`, default the ledger's database), so more steps no
# longer means more requests than the provider allows. One warehouse step: DuckDB has one writer.
POOL_LIMITS = {"nyne_api": 3, "warehouse": 1}
_OURS = INSTANCE_YAML.splitlines()[0]


def ensure_dagster_home() -> Path:
    """Point ``DAGSTER_HOME`` at an existing folder with a ``dagster.yaml``; returns it.

    An unset ``DAGSTER_HOME`` becomes ``./.dagster_home``. A ``dagster.yaml`` that exists is
    never touched; a missing one is written with the settings above. On an instance of ours
    the pools get ``POOL_LIMITS`` (see ``_set_pool_limits``), so ``dagster dev`` runs with them.
    """
    home = _home()
    if _is_ours(home):
        with _opening(home):
            instance = dg.DagsterInstance.get()
            try:
                _set_pool_limits(instance)
            finally:
                instance.dispose()
    return home


def _home() -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or DEFAULT_DAGSTER_HOME).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _is_ours(home: Path) -> bool:
    lines = (home / "dagster.yaml").read_text().splitlines()
    return bool(lines) and lines[0] == _OURS


def _set_pool_limits(instance: dg.DagsterInstance) -> None:
    """Give each pool of ``POOL_LIMITS`` its limit, unless someone set one: a pool never used
    has no limit, one used before has the default's (``from_default``); a limit set with
    ``dagster instance concurrency set`` or in the UI is never changed."""
    storage = instance.event_log_storage
    known = {pool.name: pool for pool in storage.get_pool_limits()}
    for name, limit in POOL_LIMITS.items():
        pool = known.get(name)
        if pool is None or pool.from_default:
            storage.set_concurrency_slots(name, limit)


@contextlib.contextmanager
def _opening(home: Path) -> Iterator[None]:
    """The file lock under which an instance of ``home`` is opened (see ``open_instance``)."""
    with open(home / ".social-graph-open.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def open_instance() -> dg.DagsterInstance:
    """The instance at ``$DAGSTER_HOME`` (made ready by ``ensure_dagster_home``).

    Opened under a file lock: on a fresh home, opening creates the SQLite storage, and two
    processes creating it at once collide (``table secondary_indexes already exists``). On an
    instance of ours the pools get ``POOL_LIMITS`` unless a user set theirs.
    """
    home = _home()
    with _opening(home):
        instance = dg.DagsterInstance.get()
        if _is_ours(home):
            _set_pool_limits(instance)
        return instance
