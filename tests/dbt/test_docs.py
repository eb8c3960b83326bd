"""``social-graph docs``: dbt's docs generated from the built warehouse (every column of every
model described, checked against the catalog of what the models really hold), served over
HTTP, generated while a reader holds the warehouse open, and before the first build."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from .conftest import run_dbt, write_edge_snapshot, write_replies_snapshot
from resources.nyne import Interaction
from tests.signals import ignore_stop_signals

CLI = Path(sys.executable).with_name("social-graph")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOCIAL_WAREHOUSE", "SOCIAL_DBT_TARGET", "DBT_TARGET")}
    return {**env, "SOCIAL_DATA_DIR": str(data_dir)}


def _docs(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), "docs", *args], env=_env(data_dir), capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("docs") / "data"
    write_edge_snapshot(data, "followers", "twitter", "janedoe", ["a", "b"], T0)
    write_edge_snapshot(data, "following", "twitter", "janedoe", ["a"], T0)
    write_replies_snapshot(data, "twitter", "111", "janedoe",
                           [Interaction(username="b", reply_text="hi",
                                        reply_date="2026-11-01T00:00:00Z")], T0)
    run_dbt(["build"], data)
    return data


@pytest.fixture(scope="module")
def generated(built) -> Path:
    # A notebook's read-only connection stays open while the docs are generated.
    with duckdb.connect(str(built / "warehouse.duckdb"), read_only=True) as reader:
        result = _docs(built, "--no-serve")
        assert reader.execute("select count(*) from fct_follows").fetchone() == (3,)
    assert result.returncode == 0, result.stderr
    out = built / "dbt_docs"
    assert "dbt docs generated in" in result.stdout
    assert not list(out.glob("warehouse-*")), "the warehouse copy was left behind"
    return out


def test_every_column_of_every_model_is_declared_and_described(generated):
    manifest = json.loads((generated / "manifest.json").read_text())
    catalog = json.loads((generated / "catalog.json").read_text())
    models = {uid: node for uid, node in manifest["nodes"].items()
              if node["resource_type"] == "model"}
    assert len(models) >= 13
    problems = []
    for uid, node in sorted(models.items()):
        name = node["name"]
        if not node.get("description", "").strip():
            problems.append(f"{name}: no model description")
        held = catalog["nodes"].get(uid)
        if held is None:
            problems.append(f"{name}: not in the catalog (was it built?)")
            continue
        real = {c.lower() for c in held["columns"]}
        declared = {c.lower(): v for c, v in node["columns"].items()}
        problems += [f"{name}.{c}: not declared" for c in sorted(real - set(declared))]
        problems += [f"{name}.{c}: declared, but the model has no such column"
                     for c in sorted(set(declared) - real)]
        problems += [f"{name}.{c}: no description" for c, v in sorted(declared.items())
                     if c in real and not v.get("description", "").strip()]
    assert not problems, "\n".join(problems)


def test_the_one_file_site_holds_the_descriptions(generated):
    page = (generated / "static_index.html").read_text()
    assert "listed_followers" in page and "profile_followers_count" in page


def test_the_docs_are_served_and_nothing_else_in_the_folder(generated, built):
    # SIGINT and SIGTERM inherited ignored (a background job, a wrapper): the server handles
    # both itself, so terminate() still stops it (before, the wait below timed out).
    server = subprocess.Popen([str(CLI), "docs", "--port", "0"], env=_env(built),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              preexec_fn=ignore_stop_signals)
    try:
        url = None
        for line in server.stdout:  # "dbt docs at http://127.0.0.1:<port>/ (Ctrl-C to stop)"
            if line.startswith("dbt docs at "):
                url = line.split()[3]
                break
        assert url, f"no URL announced (exit {server.poll()})"
        with urllib.request.urlopen(url, timeout=60) as page:
            assert page.status == 200 and b"dbt" in page.read().lower()
        with urllib.request.urlopen(url + "catalog.json", timeout=60) as page:
            assert "nodes" in json.loads(page.read())
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "logs/dbt.log", timeout=60)
        assert refused.value.code == 404
    finally:
        server.terminate()
        try:  # a guard against a hang, not a speed check
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert server.returncode == 0


def test_before_the_first_build_the_docs_say_there_are_no_types_yet(data_dir):
    result = _docs(data_dir, "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "no warehouse at" in result.stderr and "no column types" in result.stderr
    assert (data_dir / "dbt_docs" / "static_index.html").is_file()
    assert not (data_dir / "warehouse.duckdb").exists()  # the docs built nothing


def test_a_url_as_the_data_dir_is_refused_by_name(tmp_path):
    env = {**_env(tmp_path), "SOCIAL_DATA_DIR": "s3://bucket/x"}
    refused = subprocess.run([str(CLI), "docs", "--no-serve"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert refused.returncode == 2 and "$SOCIAL_DATA_DIR" in refused.stderr
    assert not (tmp_path / "s3:").exists()
