"""One settings object (``resources.settings``) and the layering of the code location.

Each setting is resolved once, by one rule (config, else environment, else default); the
warehouse build hands dbt the paths the run resolved instead of writing ``os.environ``; and the
layers only import downwards: ``resources`` -> ``social_assets`` -> ``sensors`` ->
``social_graph`` (the definitions and the command line).
"""

import ast
import os
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from resources.settings import Settings, resolve_dbt_target
from social_graph.definitions import build_definitions, defs
from tests.dbt.conftest import write_edge_snapshot

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["resources", "social_assets", "sensors", "social_graph"]  # each imports only earlier ones
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def test_explicit_values_win_over_the_environment_which_wins_over_the_defaults(tmp_path):
    env = {"SOCIAL_DATA_DIR": str(tmp_path / "env"), "SOCIAL_LEDGER_URL": "postgresql://h/db",
           "SOCIAL_DBT_TARGET": "postgres", "SOCIAL_CALLBACK_BASE_URL": "https://hooks.example",
           "SOCIAL_CALLBACK_TOKEN": "t0ken-t0ken-t0ken-1"}
    from_env = Settings.resolve(environ=env)
    assert from_env.data_dir == tmp_path / "env"
    assert from_env.warehouse_path == tmp_path / "env" / "warehouse.duckdb"
    assert (from_env.dbt_target, from_env.ledger_url) == ("postgres", "postgresql://h/db")
    assert from_env.callback_base_url == "https://hooks.example"
    assert "t0ken" not in repr(from_env)  # the token is a secret
    explicit = Settings.resolve(data_dir=tmp_path / "cfg", dbt_target="duckdb", environ=env,
                                ledger_url="sqlite:///x.sqlite", warehouse_path=tmp_path / "w.db")
    assert (explicit.data_dir, explicit.warehouse_path) == (tmp_path / "cfg", tmp_path / "w.db")
    assert (explicit.dbt_target, explicit.ledger_url) == ("duckdb", "sqlite:///x.sqlite")
    default = Settings.resolve(environ={})
    assert default.data_dir == Path("data").resolve() and default.dbt_target == "duckdb"
    assert default.ledger_url == f"sqlite:///{Path('data').resolve() / 'ledger.sqlite'}"
    assert default.callback_token is None


def test_an_unknown_dbt_target_is_refused_naming_the_variable():
    with pytest.raises(ValueError, match=r"\$SOCIAL_DBT_TARGET is 'snowflake'"):
        resolve_dbt_target(environ={"SOCIAL_DBT_TARGET": "snowflake"})
    with pytest.raises(ValueError, match="the dbt target is 'bigquery'"):
        build_definitions(dbt_target="bigquery")


def test_the_runs_use_the_dbt_target_the_code_location_loaded_with():
    pg = build_definitions(dbt_target="postgres")
    assert pg.resources["storage"].dbt_target == "postgres"
    assert pg.resources["dbt"].target == "postgres"
    assert pg.resolve_assets_def(dg.AssetKey(["postgres_raw", "followers"])) is not None
    assert defs.resources["storage"].dbt_target == defs.resources["dbt"].target


def test_the_warehouse_is_built_where_the_run_says_and_the_environment_is_left_alone(
        tmp_path, monkeypatch):
    data = tmp_path / "configured"
    elsewhere = tmp_path / "from_env"
    monkeypatch.setenv("SOCIAL_DATA_DIR", str(elsewhere))
    monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
    write_edge_snapshot(data, "followers", "twitter", "janedoe", ["a", "b"],
                        datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc))
    before = dict(os.environ)
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("warehouse_job").execute_in_process(
            instance=instance, raise_on_error=False,
            run_config={**QUIET, "resources": {"storage": {"config": {"data_dir": str(data)}}}})
    assert result.success
    assert dict(os.environ) == before  # the build no longer writes SOCIAL_DATA_DIR
    assert not (elsewhere / "warehouse.duckdb").exists()
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as db:
        follows = db.execute("select count(*) from fct_follows").fetchone()[0]
    assert follows == 2


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names


def test_every_layer_imports_only_the_layers_below_it():
    upward = []
    for rank, layer in enumerate(LAYERS):
        above = set(LAYERS[rank + 1:])
        for path in sorted((ROOT / layer).rglob("*.py")):
            for name in sorted(_imports(path) & above):
                upward.append(f"{path.relative_to(ROOT)} imports {name}")
    assert upward == []
    assert "sensors" in _imports(ROOT / "social_graph" / "definitions.py")  # the check sees imports
