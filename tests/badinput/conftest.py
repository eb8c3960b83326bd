"""Shared parts of the bad-input suite: the hostile lists on disk, a real Dagster instance and
sensor ticks, and the environment ``social-graph collect`` runs in."""
from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import dagster as dg
import pytest

from resources.target_list import TargetListResource
from sensors.target_list import target_list_sensor
from social_assets.targets import TargetList, parse_targets
from tests.badinput.hostile import BAD, GOOD, Case
from tests.badinput.writers import build_csv, build_yaml, interleave, junk_list

BUILDERS = {"yaml": build_yaml, "csv": build_csv}
LONG = ("overlong url", "overlong handle")


@cache
def hostile(fmt: str) -> tuple[str, dict[int, Case]]:
    """The hostile list in ``fmt`` (``yaml``/``csv``) and the case on each row's line."""
    return BUILDERS[fmt](interleave(GOOD, BAD))


@cache
def parsed(fmt: str) -> TargetList:
    return parse_targets(hostile(fmt)[0].encode(), name=f"hostile.{fmt}")


def bad_lines(at: dict[int, Case]) -> dict[int, Case]:
    return {line: case for line, case in at.items() if case not in GOOD}


@cache
def junk(fmt: str) -> tuple[str, dict[int, Case]]:
    """A 10 MB list in ``fmt``: the bad rows over and over (but the overlong ones, which would
    fill it alone), the good rows at its start, middle and end."""
    return junk_list(BUILDERS[fmt], GOOD, [c for c in BAD if c.name not in LONG], 10_000_000)


def write_hostile(folder: Path, fmt: str) -> tuple[Path, dict[int, Case]]:
    text, at = hostile(fmt)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"hostile.{fmt}"
    path.write_bytes(text.encode())
    return path, at


@pytest.fixture(scope="module")
def instance():
    """One instance per module: the tests that share it register nothing, or distinct keys."""
    with dg.instance_for_test() as inst:
        yield inst


def tick(instance, path: Path):
    """One evaluation of the real sensor on ``path`` (no cursor: the file is new to it)."""
    context = dg.build_sensor_context(
        instance=instance, resources={"target_list": TargetListResource(path=str(path))})
    return target_list_sensor(context)


def rejection_lines(text: str, prefix: str) -> dict[int, str]:
    """``{row: line}`` of the lines of ``text`` naming a rejected row after ``prefix``."""
    found = {}
    for line in text.splitlines():
        match = re.search(re.escape(prefix) + r"row (\d+) \(", line)
        if match:
            found[int(match.group(1))] = line
    return found


def tree(root: Path, *, skip: tuple[Path, ...] = ()) -> dict[str, tuple]:
    """Every entry under ``root`` (not under ``skip``) with its kind, size and mtime."""
    entries = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if here / d not in skip]
        for name in dirnames + filenames:
            info = os.lstat(here / name)
            entries[str((here / name).relative_to(root))] = (info.st_mode, info.st_size,
                                                             info.st_mtime_ns)
    return entries


def set_cli_env(patch: pytest.MonkeyPatch, root: Path) -> tuple[Path, Path, Path]:
    """``collect``'s world: $SOCIAL_DATA_DIR and $DAGSTER_HOME under ``root``, the working
    directory another folder there; the client variables ``--with-simulator`` sets are put
    back when ``patch`` is undone."""
    data, home, cwd = root / "data", root / "home", root / "cwd"
    cwd.mkdir()
    patch.setenv("SOCIAL_DATA_DIR", str(data))
    patch.setenv("DAGSTER_HOME", str(home))
    for name in ("SOCIAL_TARGETS_FILE", "SOCIAL_WAREHOUSE", "SOCIAL_PRUNE_REMOVED_TARGETS"):
        patch.delenv(name, raising=False)
    for name in ("NYNE_BASE_URL", "NYNE_API_KEY", "NYNE_API_SECRET"):
        patch.setenv(name, "unset-by-the-test")
    patch.chdir(cwd)
    return data, home, cwd


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    return set_cli_env(monkeypatch, tmp_path)
