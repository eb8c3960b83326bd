"""Building the DuckDB warehouse beside the published one, then publishing it in one rename.

DuckDB lets one process write a file, and a reader (a notebook's
``duckdb.connect("data/warehouse.duckdb", read_only=True)``) holds a lock that stops any
writer. So dbt never writes the published file: it builds ``warehouse.build.duckdb`` in the
same folder (one build at a time: the ``warehouse`` pool, and ``build_lock`` should a second
one start anyway), and once the build passed, ``os.replace`` puts it in the published file's
place at once. A reader already connected keeps reading the version it opened (its open file
is the old one, until it disconnects); a new connection sees the new version; nobody sees half
a build or a lock error. A failed build is never published: the previous version stays.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


def build_path(published: Path) -> Path:
    """Where a build writes: beside ``published``, under one name for every build. The name
    is in dbt's profile, and a profile that changes from build to build makes dbt parse the
    whole project again (3 s of every build), where the same one lets it re-read its last
    parse."""
    return published.with_name(f"{published.stem}.build{published.suffix}")


class BuildInProgress(RuntimeError):
    """Another process is building this warehouse."""


@contextmanager
def build_lock(published: Path) -> Iterator[None]:
    """Hold the lock on building ``published`` (``<name>.build.lock`` beside it) for the
    block, or raise ``BuildInProgress`` at once if another process holds it. The lock goes
    with the process that held it, killed or not: a dead build never blocks the next one."""
    lock = published.with_name(f"{published.name}.build.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildInProgress(
                f"another process is building the warehouse {published} (it holds {lock}); "
                "wait for that run to end (the `warehouse` pool runs one build at a time "
                "when its limit is 1)") from None
        yield
    finally:
        os.close(fd)


def start_from(published: Path, build: Path) -> None:
    """Begin ``build`` as a copy of the published warehouse (if there is one), for an
    incremental build to add to. The published file is always a whole, checkpointed build (it
    only ever changes by a rename), so a byte copy is a consistent one, reader or not."""
    if published.is_file():
        shutil.copyfile(published, build)


def finish(build: Path) -> dict[str, int]:
    """Checkpoint the built file (no WAL left behind to publish) and count its tables (views
    are not counted: that would run them)."""
    with duckdb.connect(str(build)) as db:
        db.execute("checkpoint")
        tables = [row[0] for row in db.execute(
            "select table_name from duckdb_tables() where schema_name = current_schema()"
        ).fetchall()]
        return {t: db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}


def publish(build: Path, published: Path) -> None:
    """Put ``build`` in ``published``'s place in one rename, and make the rename durable."""
    os.replace(build, published)
    folder = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def discard(build: Path) -> None:
    """Remove a build that will not be published (and its WAL, if dbt left one)."""
    for path in (build, build.with_name(build.name + ".wal")):
        path.unlink(missing_ok=True)


def published_name(settings) -> Path:
    """What a build's project record is named after: the DuckDB warehouse file, or on
    PostgreSQL (whose warehouse is no file) ``<data dir>/postgres-warehouse`` (in the local
    state folder when the data dir is on object storage: the build lock is a local file)."""
    if settings.dbt_target == "duckdb":
        return settings.warehouse_path
    return settings.local_dir / "postgres-warehouse"


def forget_built_by(published: Path) -> bool:
    """Drop the record of the project that built the warehouse, so the next build rebuilds
    every model (after ``social-graph rebuild`` rewrote snapshots the warehouse staged once)."""
    try:
        fingerprint_path(published).unlink()
        return True
    except FileNotFoundError:
        return False


def fingerprint_path(published: Path) -> Path:
    """Beside the warehouse: the fingerprint of the dbt project that built it."""
    return published.with_name(published.name + ".project")


def built_by(published: Path) -> str | None:
    """The fingerprint of the dbt project the published warehouse was built by (None: unknown,
    e.g. a warehouse older than this record)."""
    try:
        return fingerprint_path(published).read_text().strip() or None
    except FileNotFoundError:
        return None


def record_built_by(published: Path, fingerprint: str) -> None:
    """Record which project built the warehouse just published (written whole, then renamed)."""
    path = fingerprint_path(published)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(fingerprint + "\n")
    os.replace(tmp, path)
