"""Where everything lives, resolved in one place: data dir, warehouse, dbt target, ledger, callbacks.

Every rule "explicit config, else an environment variable, else a default" is written here
once, and read when a run starts (never at import), except the dbt target: it decides which
assets exist (the PostgreSQL loader), so the code location reads it when it loads
(``social_graph.definitions``) and hands it to the resources, and a run uses that same value.

=====================  ============================  ==========================================
setting                environment                   default
=====================  ============================  ==========================================
data dir               ``SOCIAL_DATA_DIR``           ``./data``; or a URL: ``s3://bucket/prefix``
                                                     or any installed fsspec protocol
local state folder     ``SOCIAL_STATE_DIR``          the data dir; for a URL data dir, the
                                                     warehouse's folder (else: required)
warehouse (DuckDB)     ``SOCIAL_WAREHOUSE``          ``<data dir>/warehouse.duckdb``; for a URL
                                                     data dir, ``<state folder>/warehouse.duckdb``
dbt target             ``SOCIAL_DBT_TARGET``         ``duckdb`` (or ``postgres``)
ledger                 ``SOCIAL_LEDGER_URL``         ``sqlite:///<data dir>/ledger.sqlite``; for
                                                     a URL data dir: required
rate-limit store       ``SOCIAL_RATE_LIMIT_URL``     the ledger's URL; or ``redis://host:port/db``
                                                     or ``local`` (this run alone)
callback base URL      ``SOCIAL_CALLBACK_BASE_URL``  none: no callbacks
callback token         ``SOCIAL_CALLBACK_TOKEN``     none: no callbacks
=====================  ============================  ==========================================

A URL data dir (``resources.datadir``) holds the raw Parquet snapshots, the landing archive, the
request journal (one object per entry, as stores cannot append) and the exports, written through
fsspec; its credentials and endpoint come from the store's own environment (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL`` or ``AWS_ENDPOINT_URL_S3``, ``AWS_DEFAULT_REGION``)
and never from config. What needs a file system stays on this machine, and is never guessed:

- the ledger: SQLite cannot live on a store, and a local SQLite file beside a shared data dir
  would let two machines each buy the same lookup, so ``SOCIAL_LEDGER_URL`` must be given
  (``postgresql://...``, or a ``sqlite:///`` path on this machine if only it collects);
- the local state folder (``SOCIAL_STATE_DIR``): dbt's build folder, the warehouse build's lock
  and project record, the dbt docs; and the DuckDB warehouse file (``SOCIAL_WAREHOUSE``: always
  a local path). One of the two must be given: each defaults to the other's folder.

dbt reads the same values: the warehouse build passes ``dbt_vars()`` as ``--vars``, which the
profile and the sources prefer to the environment (a dbt run by hand falls back to it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from resources.datadir import DataPath, data_path, is_remote, is_url

DATA_DIR_ENV = "SOCIAL_DATA_DIR"
WAREHOUSE_ENV = "SOCIAL_WAREHOUSE"
DBT_TARGET_ENV = "SOCIAL_DBT_TARGET"
LEDGER_URL_ENV = "SOCIAL_LEDGER_URL"
CALLBACK_BASE_ENV = "SOCIAL_CALLBACK_BASE_URL"
CALLBACK_TOKEN_ENV = "SOCIAL_CALLBACK_TOKEN"
STATE_DIR_ENV = "SOCIAL_STATE_DIR"
RATE_LIMIT_URL_ENV = "SOCIAL_RATE_LIMIT_URL"

DEFAULT_DATA_DIR = "data"
WAREHOUSE_FILE = "warehouse.duckdb"
LEDGER_FILE = "ledger.sqlite"
DBT_TARGETS = ("duckdb", "postgres")


@dataclass(frozen=True)
class Settings:
    data_dir: DataPath  # a local Path, or a UPath on object storage (resources.datadir)
    warehouse_path: Path  # the DuckDB file (unused on PostgreSQL)
    dbt_target: str
    ledger_url: str
    callback_base_url: Optional[str] = None
    callback_token: Optional[str] = field(default=None, repr=False)  # a secret: never shown
    state_dir: Optional[Path] = None  # the local state folder; None: the data dir (local)
    # Where every client of an API account takes its request slots (resources.nyne.ratelimit);
    # None only when built by hand: resolve() always sets it. Not shown: it may hold a password.
    rate_limit_url: Optional[str] = field(default=None, repr=False)

    @classmethod
    def resolve(
        cls, *, data_dir: Optional[str | os.PathLike | DataPath] = None,
        warehouse_path: Optional[str | os.PathLike] = None, dbt_target: Optional[str] = None,
        ledger_url: Optional[str] = None, callback_base_url: Optional[str] = None,
        callback_token: Optional[str] = None, state_dir: Optional[str | os.PathLike] = None,
        environ: Optional[Mapping[str, str]] = None, rate_limit_url: Optional[str] = None,
    ) -> "Settings":
        """Each explicit value (resource config) wins over its environment variable, which
        wins over the default; read from ``environ`` (default: the process's, now).
        ``ValueError`` naming the variable (or config key) for a value that cannot be used,
        and for what a URL data dir needs and was not given."""
        env = os.environ if environ is None else environ
        raw = data_dir or env.get(DATA_DIR_ENV)
        source = "the data dir" if data_dir else f"${DATA_DIR_ENV}"
        root = data_path(raw, source) if raw else _path(DEFAULT_DATA_DIR)
        warehouse = _local_path(warehouse_path, env, WAREHOUSE_ENV, "the warehouse path")
        state = _local_path(state_dir, env, STATE_DIR_ENV, "the state dir")
        target = resolve_dbt_target(dbt_target, env)
        ledger = resolve_ledger_url(root, ledger_url, env, source)
        if is_remote(root):
            state, warehouse = _local_state(root, source, state, warehouse)
        return cls(
            data_dir=root,
            warehouse_path=warehouse or root / WAREHOUSE_FILE,
            dbt_target=target,
            ledger_url=ledger,
            callback_base_url=callback_base_url or env.get(CALLBACK_BASE_ENV) or None,
            callback_token=callback_token or env.get(CALLBACK_TOKEN_ENV) or None,
            state_dir=state,
            rate_limit_url=resolve_rate_limit_url(rate_limit_url, lambda: ledger, env)[0],
        )

    def dbt_vars(self) -> dict:
        """What the dbt profile and sources read (``--vars``), so dbt builds where we read;
        with a URL data dir also the fsspec filesystem DuckDB reads it through."""
        out = {"data_dir": str(self.data_dir), "warehouse_path": str(self.warehouse_path)}
        if is_remote(self.data_dir):
            from resources.datadir import dbt_filesystems

            out["data_filesystems"] = dbt_filesystems(self.data_dir)
        return out

    @property
    def local_dir(self) -> Path:
        """The local state folder: ``$SOCIAL_STATE_DIR``, else the data dir when it is local,
        else the warehouse's folder. What needs a file system (locks, dbt's folders) is here."""
        return self.state_dir if self.state_dir is not None else self.data_dir

    @property
    def dbt_build_dir(self) -> Path:
        """``<state folder>/dbt_build/<target>`` (the state folder is the data dir unless it is
        a URL or ``SOCIAL_STATE_DIR`` is set): dbt's target folder for the warehouse builds, the
        same for every build of this data dir and target, so each build starts from the last
        one's partial parse (``partial_parse.msgpack``) instead of parsing the project again."""
        return self.local_dir / "dbt_build" / self.dbt_target

    def raw_dir(self, asset_name: str) -> DataPath:
        """``<data dir>/raw/<asset_name>``: one folder per raw asset (a ``UPath`` on a store)."""
        return self.data_dir / "raw" / asset_name


def resolve_ledger_url(root: DataPath, explicit: Optional[str] = None,
                       environ: Optional[Mapping[str, str]] = None,
                       source: str = f"${DATA_DIR_ENV}") -> str:
    """``explicit``, else ``$SOCIAL_LEDGER_URL``, else SQLite in the data dir; ``ValueError``
    saying what to set when the data dir is a URL (SQLite cannot live on object storage)."""
    env = os.environ if environ is None else environ
    url = explicit or env.get(LEDGER_URL_ENV)
    if url:
        return url
    if is_remote(root):
        raise ValueError(f"{source} is {str(root)!r} (object storage), where the SQLite ledger "
                         f"cannot live: set ${LEDGER_URL_ENV} (postgresql://user@host/db, "
                         "shared by every run, or sqlite:////a/local/ledger.sqlite if only "
                         "this machine collects)")
    return f"sqlite:///{root / LEDGER_FILE}"


def resolve_rate_limit_url(explicit: Optional[str], ledger_url: Callable[[], str],
                           environ: Optional[Mapping[str, str]] = None,
                           setting: str = "nyne.rate_limit_url") -> tuple[str, str]:
    """(the rate-limit store's URL, where it came from): ``explicit`` (the ``setting``), else
    ``$SOCIAL_RATE_LIMIT_URL``, else ``ledger_url()`` (called only then: the caller may have to
    resolve the data dir for it). Blank values count as unset."""
    env = os.environ if environ is None else environ
    given = ((explicit, setting), (env.get(RATE_LIMIT_URL_ENV), f"${RATE_LIMIT_URL_ENV}"))
    for value, source in given:
        if value and value.strip():
            return value.strip(), source
    return ledger_url(), f"the ledger's URL (the default of ${RATE_LIMIT_URL_ENV})"


def _local_state(root: DataPath, source: str, state: Optional[Path],
                 warehouse: Optional[Path]) -> tuple[Path, Path]:
    """The local state folder and the warehouse file for a URL data dir: each given, or the
    other's folder; ``ValueError`` saying what to set when neither is."""
    where = f"{source} is {str(root)!r} (object storage)"
    if state is None and warehouse is None:
        raise ValueError(f"{where}, and dbt's build folder, the warehouse build lock, the docs "
                         f"and the DuckDB warehouse need a local folder: set ${STATE_DIR_ENV} "
                         f"to a folder on this machine (or ${WAREHOUSE_ENV} to a local "
                         "warehouse.duckdb: its folder is then used)")
    state = state if state is not None else warehouse.parent
    return state, warehouse or state / WAREHOUSE_FILE


def resolve_dbt_target(explicit: Optional[str] = None,
                       environ: Optional[Mapping[str, str]] = None) -> str:
    """``explicit``, else ``$SOCIAL_DBT_TARGET``, else ``duckdb``; ``ValueError`` naming the
    variable for anything but ``duckdb`` or ``postgres``."""
    env = os.environ if environ is None else environ
    raw = explicit or env.get(DBT_TARGET_ENV) or DBT_TARGETS[0]
    target = raw.strip().lower()
    if target not in DBT_TARGETS:
        source = "the dbt target" if explicit else f"${DBT_TARGET_ENV}"
        raise ValueError(f"{source} is {raw!r}: expected one of {', '.join(DBT_TARGETS)}")
    return target


def _path(value: str | os.PathLike) -> Path:
    return Path(value).expanduser().resolve()




def _local_path(explicit: Optional[str | os.PathLike], env: Mapping[str, str], variable: str,
                what: str) -> Optional[Path]:
    """``explicit``, else ``$variable``, as a local path; ``ValueError`` naming where it came
    from for a URL (``s3://bucket/x`` would otherwise become a local folder named ``s3:``)."""
    value = explicit or env.get(variable)
    if not value:
        return None
    if is_url(value):
        source = what if explicit else f"${variable}"
        raise ValueError(f"{source} is {str(value)!r}: a URL, and it must be a local path "
                         f"(it cannot live on object storage); give a path on this machine")
    return _path(value)
