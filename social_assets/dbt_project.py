"""The dbt project in ``dbt/``, and how its manifest is kept current.

``dagster-dbt project prepare-and-package --file social_assets/dbt_project.py`` imports this
module alone to build the manifest, so it defines nothing but the project.

The manifest is built by ``make`` (``dbt parse``) before anything loads the code location. Under
``dagster dev`` the project is parsed again only when it is stale: when a model, macro or yml is
newer than the manifest (someone edited the project and clicked "Reload"). dagster-dbt's own
``prepare_if_dev`` parses unconditionally, with whichever ``dbt`` is first on ``PATH``; since
``dagster dev`` passes ``DAGSTER_IS_DEV_CLI`` to every run and step process it starts, that
meant one ``dbt parse`` per step, and a code location that failed to load when the venv was
not on ``PATH``. Here the parse uses this venv's dbt and is serialised by a file lock, so
processes that start together parse once.
"""

import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt"

DBT_EXECUTABLE = str(Path(sys.executable).with_name("social-graph-dbt"))
"""This venv's dbt (never another one, or dbt Fusion, found on ``PATH``), through
``social_assets.dbt_child``: a dbt process that dies with the process that started it."""

# What a parse reads: a change to any of these makes the manifest stale.
_SOURCE_DIRS = ("models", "macros", "tests", "seeds", "snapshots", "analyses")
_SOURCE_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")

# The manifest is the same for every target: which one a build uses is the code location's
# (``resources.settings``), given to the dbt resource.
dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)


def project_sources(project_dir: Path = DBT_DIR) -> list[Path]:
    """Every file a ``dbt parse`` of the project reads."""
    files = [project_dir / name for name in _SOURCE_FILES if (project_dir / name).exists()]
    for folder in _SOURCE_DIRS:
        if (project_dir / folder).is_dir():
            files += [p for p in (project_dir / folder).rglob("*")
                      if p.is_file() and p.suffix in (".sql", ".yml", ".yaml", ".py", ".csv")]
    return files


def project_fingerprint(project_dir: Path = DBT_DIR) -> str:
    """A digest of every file a parse reads (names and contents): equal fingerprints, the same
    models. A warehouse built incrementally by other models needs a full refresh."""
    digest = hashlib.sha256()
    for path in sorted(project_sources(project_dir)):
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def manifest_is_stale(project: DbtProject = dbt_project) -> bool:
    """True when the manifest is missing or older than a file of the project."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(p.stat().st_mtime > built for p in project_sources(Path(project.project_dir)))


def prepare_manifest(project: DbtProject = dbt_project, executable: str = DBT_EXECUTABLE) -> bool:
    """``dbt parse`` the project if its manifest is stale; returns whether it parsed.

    Holds an exclusive lock on ``target/.parse.lock`` meanwhile, and checks staleness again
    once it has the lock, so processes that start together parse once between them.
    """
    if not manifest_is_stale(project):
        return False
    target = project.manifest_path.parent
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest_is_stale(project):
            return False
        result = subprocess.run(
            [executable, "parse", "--quiet", "--profiles-dir", str(project.profiles_dir)],
            cwd=project.project_dir, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse of {project.project_dir} failed (exit "
                               f"{result.returncode}):\n{(result.stdout + result.stderr)[-4000:]}")
        project.manifest_path.touch()  # dbt may keep an unchanged manifest's old time
        return True


def prepare_if_dev(project: DbtProject = dbt_project) -> None:
    """Under ``dagster dev`` (``DAGSTER_IS_DEV_CLI``), re-parse a stale project; else nothing."""
    if os.environ.get("DAGSTER_IS_DEV_CLI"):
        prepare_manifest(project)


prepare_if_dev()
