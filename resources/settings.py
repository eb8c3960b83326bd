"""Where everything lives, resolved in one place: data dir, warehouse, dbt target, ledger, callbacks.

Every rule "explicit config, else an environment variable, else a default" is written here
once, and read when a run starts (never at import), except the dbt target: it decides which
assets exist (the PostgreSQL loader), so the code location reads it when it loads
(``social_graph.definitions``) and hands it to the resources, and a run uses that same value.

=====================  ============================  ==========================================
setting                environment                   default
=====================  ============================  ==========================================
data dir               ``SOCIAL_DATA_DIR``           ``./data``
warehouse (DuckDB)     ``SOCIAL_WAREHOUSE``          ``<data dir>/warehouse.duckdb``
dbt target             ``SOCIAL_DBT_TARGET``         ``duckdb`` (or ``postgres``)
ledger                 ``SOCIAL_LEDGER_URL``         ``sqlite:///<data dir>/ledger.sqlite``
callback base URL      ``SOCIAL_CALLBACK_BASE_URL``  none: no callbacks
callback token         ``SOCIAL_CALLBACK_TOKEN``     none: no callbacks
=====================  ============================  ==========================================

dbt reads the same values: the warehouse build passes ``dbt_vars()`` as ``--vars``, which the
profile and the sources prefer to the environment (a dbt run by hand falls back to it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

DATA_DIR_ENV = "SOCIAL_DATA_DIR"
WAREHOUSE_ENV = "SOCIAL_WAREHOUSE"
DBT_TARGET_ENV = "SOCIAL_DBT_TARGET"
LEDGER_URL_ENV = "SOCIAL_LEDGER_URL"
CALLBACK_BASE_ENV = "SOCIAL_CALLBACK_BASE_URL"
CALLBACK_TOKEN_ENV = "SOCIAL_CALLBACK_TOKEN"

DEFAULT_DATA_DIR = "data"
WAREHOUSE_FILE = "warehouse.duckdb"
LEDGER_FILE = "ledger.sqlite"
DBT_TARGETS = ("duckdb", "postgres")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse_path: Path  # the DuckDB file (unused on PostgreSQL)
    dbt_target: str
    ledger_url: str
    callback_base_url: Optional[str] = None
    callback_token: Optional[str] = field(default=None, repr=False)  # a secret: never shown

    @classmethod
    def resolve(
        cls, *, data_dir: Optional[str | os.PathLike] = None,
        warehouse_path: Optional[str | os.PathLike] = None, dbt_target: Optional[str] = None,
        ledger_url: Optional[str] = None, callback_base_url: Optional[str] = None,
        callback_token: Optional[str] = None, environ: Optional[Mapping[str, str]] = None,
    ) -> "Settings":
        """Each explicit value (resource config) wins over its environment variable, which
        wins over the default; read from ``environ`` (default: the process's, now)."""
        env = os.environ if environ is None else environ
        root = _local_path(data_dir, env, DATA_DIR_ENV, "the data dir") or _path(DEFAULT_DATA_DIR)
        warehouse = _local_path(warehouse_path, env, WAREHOUSE_ENV, "the warehouse path")
        return cls(
            data_dir=root,
            warehouse_path=warehouse or root / WAREHOUSE_FILE,
            dbt_target=resolve_dbt_target(dbt_target, env),
            ledger_url=ledger_url or env.get(LEDGER_URL_ENV) or f"sqlite:///{root / LEDGER_FILE}",
            callback_base_url=callback_base_url or env.get(CALLBACK_BASE_ENV) or None,
            callback_token=callback_token or env.get(CALLBACK_TOKEN_ENV) or None,
        )

    def dbt_vars(self) -> dict[str, str]:
        """What the dbt profile and sources read (``--vars``), so dbt builds where we read."""
        return {"data_dir": str(self.data_dir), "warehouse_path": str(self.warehouse_path)}

    @property
    def dbt_build_dir(self) -> Path:
        """``<data dir>/dbt_build/<target>``: dbt's target folder for the warehouse builds, the
        same for every build of this data dir and target, so each build starts from the last
        one's partial parse (``partial_parse.msgpack``) instead of parsing the project again."""
        return self.data_dir / "dbt_build" / self.dbt_target

    def raw_dir(self, asset_name: str) -> Path:
        """``<data dir>/raw/<asset_name>``: one folder per raw asset."""
        return self.data_dir / "raw" / asset_name


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


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _local_path(explicit: Optional[str | os.PathLike], env: Mapping[str, str], variable: str,
                what: str) -> Optional[Path]:
    """``explicit``, else ``$variable``, as a local path; ``ValueError`` naming where it came
    from for a URL (``s3://bucket/x`` would otherwise become a local folder named ``s3:``)."""
    value = explicit or env.get(variable)
    if not value:
        return None
    if _URL.match(os.fspath(value)):
        source = what if explicit else f"${variable}"
        raise ValueError(f"{source} is {os.fspath(value)!r}: a URL, and only a local folder is "
                         f"supported (object storage is not yet); give a path on this machine")
    return _path(value)
