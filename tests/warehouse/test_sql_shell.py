"""The README's way to open the warehouse: ``social-graph sql``, on the project's pinned DuckDB.

(A DuckDB CLI of another release refused the file: storage version 69 against 64-68.)
"""

import argparse
import io
from datetime import datetime, timezone

import dagster as dg
import duckdb
import pytest

from social_graph.cli import sql
from social_graph.cli.main import main
from social_graph.definitions import defs
from tests.dbt.conftest import write_edge_snapshot

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    data = tmp_path_factory.mktemp("sql") / "data"
    write_edge_snapshot(data, "followers", "twitter", "janedoe", ["a", "b", "c"], T0)
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("warehouse_job").execute_in_process(
            instance=instance, run_config={
                **QUIET, "resources": {"storage": {"config": {"data_dir": str(data)}}}})
        assert result.success
    return data


@pytest.fixture
def env(warehouse, monkeypatch):
    monkeypatch.setenv("SOCIAL_DATA_DIR", str(warehouse))
    for name in ("SOCIAL_WAREHOUSE", "SOCIAL_DBT_TARGET"):
        monkeypatch.delenv(name, raising=False)
    return warehouse


def test_a_statement_from_the_command_line_prints_its_result(env, capsys):
    assert main(["sql", "-c", "select count(*) as follows from fct_follows"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "│" in line]
    assert "follows" in lines[0] and lines[-1].strip("│ ") == "3"


def test_statements_from_stdin_run_one_by_one_and_a_bad_one_fails_alone(env, capsys):
    script = io.StringIO("select username from dim_accounts\n order by username;\n"
                         "select no_such_column from fct_follows;\n"
                         "select 'still here' as note;\n")
    code = sql.run(argparse.Namespace(sql=None, max_rows=40), stdin=script,
                   stdout=(out := io.StringIO()))
    assert code == 1  # the bad statement, named on stderr; the others ran
    text = out.getvalue()
    assert all(name in text for name in ("janedoe", "a", "b", "c")) and "still here" in text
    assert "no_such_column" in capsys.readouterr().err


def test_the_shell_is_read_only(env, capsys):
    assert main(["sql", "-c", "delete from fct_follows"]) == 1
    assert "read-only" in capsys.readouterr().err
    with duckdb.connect(str(env / "warehouse.duckdb"), read_only=True) as db:
        assert db.execute("select count(*) from fct_follows").fetchone()[0] == 3


def test_no_warehouse_yet_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCIAL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SOCIAL_WAREHOUSE", raising=False)
    assert main(["sql", "-c", "select 1"]) == 2
    assert f"no warehouse at {tmp_path / 'warehouse.duckdb'}" in capsys.readouterr().err
