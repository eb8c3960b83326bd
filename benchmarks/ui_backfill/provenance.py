"""What a report says about the conditions it measured in: the product code (commit, dirty
paths, a hash of the sources), the machine's load and the packages' versions."""

from __future__ import annotations

import os
import subprocess

from benchmarks.ui_backfill.settings import PROJECT

PRODUCT_PATHS = ("social_assets", "resources", "sensors", "simulator", "workspace.yaml",
                 "pyproject.toml")


def code_version() -> tuple[str, str]:
    """(git commit + dirty product paths, a hash of every product source file's bytes): the
    product is edited by others while this runs, so the report says which code it measured."""
    import hashlib

    def git(*cmd: str) -> str:
        done = subprocess.run(["git", *cmd], cwd=PROJECT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else "?"

    commit = git("rev-parse", "--short", "HEAD")
    dirty = [line.split(maxsplit=1)[-1] for line in
             git("status", "--porcelain", "--", *PRODUCT_PATHS).splitlines() if line.strip()]
    digest = hashlib.sha256()
    for name in PRODUCT_PATHS:
        root = PROJECT / name
        files = [root] if root.is_file() else sorted(
            f for f in root.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        for f in files:
            digest.update(str(f.relative_to(PROJECT)).encode() + b"\0" + f.read_bytes())
    label = commit + (f" + uncommitted changes in {', '.join(dirty)}" if dirty else "")
    return label, digest.hexdigest()[:12]


def loadavg() -> tuple[float, float, float]:
    return tuple(round(x, 2) for x in os.getloadavg())  # type: ignore[return-value]


def fmt_load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"
