"""The dbt manifest under ``dagster dev``: parsed only when stale, with this venv's dbt, once.

``dagster dev`` passes ``DAGSTER_IS_DEV_CLI`` to the code server and to every run process it
starts; each imports the code location. These tests load it the way those processes do (a
subprocess with nothing of the venv on ``PATH``) and parse a copy of the project for real.
"""

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from dagster_dbt import DbtProject

from social_assets.dbt_project import DBT_DIR, manifest_is_stale, prepare_manifest

REPO = Path(__file__).resolve().parents[2]


def _bare_env(tmp_path) -> dict[str, str]:
    return {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "DAGSTER_IS_DEV_CLI": "1",
            "DAGSTER_HOME": str(tmp_path)}


def test_the_code_location_loads_under_dagster_dev_without_the_venv_on_path(tmp_path):
    manifest = DBT_DIR / "target" / "manifest.json"
    prepare_manifest()  # as `social-graph dev` does before starting `dagster dev`
    before = manifest.stat().st_mtime_ns
    result = subprocess.run(
        [sys.executable, "-c", "import social_graph.definitions as d; print(len(list("
         "d.defs.resolve_asset_graph().get_all_asset_keys())))"],
        cwd=REPO, env=_bare_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.split()[-1]) > 10
    # A current manifest is not parsed again: this is what every step process used to pay.
    assert manifest.stat().st_mtime_ns == before


def _project_copy(tmp_path) -> DbtProject:
    copy = tmp_path / "dbt"
    shutil.copytree(DBT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    return DbtProject(project_dir=copy, profiles_dir=copy)


def test_an_edited_model_makes_the_manifest_stale_and_one_parse_fixes_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # the venv's dbt is found without PATH
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    project = _project_copy(tmp_path)
    assert manifest_is_stale(project)
    assert prepare_manifest(project) is True
    assert not manifest_is_stale(project) and prepare_manifest(project) is False
    model = Path(project.project_dir) / "models" / "marts" / "dim_accounts.sql"
    os.utime(model, (model.stat().st_atime, project.manifest_path.stat().st_mtime + 5))
    assert manifest_is_stale(project)


def test_processes_that_start_together_parse_once(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    project = _project_copy(tmp_path)
    start = threading.Barrier(3)
    parsed: list[bool] = []

    def load() -> None:
        start.wait()
        parsed.append(prepare_manifest(project))

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=280)
    assert sorted(parsed) == [False, False, True]
    assert project.manifest_path.exists()
