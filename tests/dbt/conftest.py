"""Helpers to run the dbt project in ``dbt/`` for real against Parquet snapshots in a tmp dir.

Reusable from any test folder (``from tests.dbt.conftest import run_dbt, write_edge_snapshot``):

- ``write_edge_snapshot(root, asset, platform, target, usernames, fetched_at, request_id)``
  writes one followers/following lookup result where the Dagster assets would
  (``<root>/raw/<asset>/<p>/<t>/<request_id>.parquet``, and its row of the snapshot manifest
  under ``raw/snapshots/``: an empty ``usernames`` is an empty list, seen by dbt);
  ``write_replies_snapshot`` does the same for a post's repliers.
- ``run_dbt(args, data_dir, target="duckdb", extra_env=None)`` runs ``.venv/bin/dbt`` on the
  project with every output (warehouse, target/, logs/) inside ``data_dir``, so tests run in
  parallel without clashing, and fails the test with dbt's output when dbt fails.
- ``query(data_dir, sql)`` reads the DuckDB warehouse dbt built.

Fixtures: ``data_dir`` (an empty collection: only the ``_schema.parquet`` files).
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from resources.nyne import Interaction
from social_assets.parquet import (
    edge_table,
    ensure_schema_files,
    repliers_table,
    snapshot_path,
    write_snapshot,
)
from social_assets.snapshots import Snapshot, write_manifest

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt"
DBT = next((p for p in (Path(sys.executable).with_name("dbt"), REPO / ".venv" / "bin" / "dbt")
            if p.exists()), Path("dbt"))


def _entry(entry: str | Interaction) -> Interaction:
    return entry if isinstance(entry, Interaction) else Interaction(username=entry)


def _manifest(raw: Path, asset: str, path: Path, rows: int, *, platform: str, target: str,
              author: str | None, request_id: str, fetched_at: datetime, max_results: int,
              truncated: bool | None) -> None:
    credits = 3 if rows else 0
    snap = Snapshot(asset, path, rows, request_id=request_id, credits=credits,
                    request_credits=credits, total_count=rows, request_total_count=rows,
                    truncated=rows >= max_results if truncated is None else truncated,
                    max_results=max_results)
    write_manifest([snap], raw, platform=platform, target=target, target_username=author,
                   fetched_at=fetched_at)


def write_edge_snapshot(root: Path, asset: str, platform: str, target: str,
                        usernames: Iterable[str | Interaction], fetched_at: datetime,
                        request_id: str | None = None, *, max_results: int = 1000,
                        truncated: bool | None = None) -> Path:
    """One ``followers`` or ``following`` lookup of ``target`` taken at ``fetched_at``.

    ``usernames`` are the accounts of the list: plain names, or ``Interaction``s to give a
    profile (followers_count, display_name, ...). ``root`` is the data dir (SOCIAL_DATA_DIR);
    the schema-only files are written too. Returns the Parquet file's path.
    """
    if asset not in ("followers", "following"):
        raise ValueError(f"not a follow-list asset: {asset!r}")
    request_id = request_id or f"req_{uuid.uuid4().hex[:12]}"
    raw = Path(root) / "raw"
    ensure_schema_files(raw)
    table = edge_table([_entry(u) for u in usernames], platform=platform,
                       target_username=target, request_id=request_id, fetched_at=fetched_at)
    path = snapshot_path(raw / asset, platform=platform, target=target, request_id=request_id)
    write_snapshot(table, path)
    _manifest(raw, asset, path, table.num_rows, platform=platform, target=target, author=target,
              request_id=request_id, fetched_at=fetched_at, max_results=max_results,
              truncated=truncated)
    return path


def write_replies_snapshot(root: Path, platform: str, tweet_id: str, author: str | None,
                           replies: Iterable[Interaction], fetched_at: datetime,
                           request_id: str | None = None) -> Path:
    """One ``repliers`` lookup of post ``tweet_id``; ``replies`` are Interactions with
    ``username``, ``reply_text`` and ``reply_date`` (ISO text)."""
    request_id = request_id or f"req_{uuid.uuid4().hex[:12]}"
    raw = Path(root) / "raw"
    ensure_schema_files(raw)
    table = repliers_table(list(replies), platform=platform, tweet_id=tweet_id,
                           target_username=author, request_id=request_id,
                           fetched_at=fetched_at)
    path = snapshot_path(raw / "repliers", platform=platform, target=tweet_id,
                         request_id=request_id)
    write_snapshot(table, path)
    _manifest(raw, "repliers", path, table.num_rows, platform=platform, target=tweet_id,
              author=author, request_id=request_id, fetched_at=fetched_at, max_results=1000,
              truncated=False)
    return path


def dbt_env(data_dir: Path, target: str = "duckdb",
            extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment ``run_dbt`` gives dbt: everything it writes stays under ``data_dir``."""
    data_dir = Path(data_dir).resolve()
    env = {
        **os.environ,
        "SOCIAL_DATA_DIR": str(data_dir),
        "SOCIAL_WAREHOUSE": str(data_dir / "warehouse.duckdb"),
        "DBT_TARGET": target,
        "DBT_TARGET_PATH": str(data_dir / "dbt_target"),
        "DBT_LOG_PATH": str(data_dir / "dbt_logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }
    env.update(extra_env or {})
    return env


def run_dbt(args: list[str], data_dir: Path, target: str = "duckdb",
            extra_env: Mapping[str, str] | None = None, check: bool = True,
            ) -> subprocess.CompletedProcess:
    """``dbt <args>`` on the project with ``--target target``, reading ``data_dir``'s Parquet
    and writing ``data_dir/warehouse.duckdb`` (``extra_env`` overrides, e.g. SOCIAL_PG_*).
    With ``check`` a failing dbt fails the test and shows the end of dbt's output."""
    command = [str(DBT), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
               "--target", target]
    result = subprocess.run(command, cwd=DBT_DIR, env=dbt_env(data_dir, target, extra_env),
                            capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        output = (result.stdout + result.stderr)[-6000:]
        pytest.fail(f"{' '.join(args)} failed (exit {result.returncode}):\n{output}")
    return result


def query(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of ``sql`` on the DuckDB warehouse dbt built in ``data_dir`` (read-only)."""
    with duckdb.connect(str(Path(data_dir) / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """An empty collection: a data dir holding only the schema-only Parquet files."""
    root = tmp_path / "data"
    ensure_schema_files(root / "raw")
    return root
