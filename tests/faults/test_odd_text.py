"""Odd text from the API never stops the pipeline (issue 9, promise 5).

The simulator's ``odd_text`` sends, in every result, a NUL in a bio, a lone surrogate (an emoji
cut in half, the JSON escape ``\\ud83d``) in a display name, a control character in a username,
and the target among its own followers. ``social-graph collect`` must collect every target,
build the warehouse (DuckDB, and PostgreSQL, which cannot hold NUL) with every dbt test passing,
and write GraphML/GEXF that XML parsers read; ``rebuild`` must remake every file. What a
format cannot hold is replaced as the README documents; ``landing/`` keeps the exact bytes.
"""

import contextlib
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import networkx as nx
import pyarrow.dataset as ds
import pytest

from simulator import SimulatorConfig, SimulatorServer
from resources.lookups.landing import iter_landed, read_landed
from tests.postgres import connect, scratch_database

ROOT = Path(__file__).resolve().parents[2]
TARGETS = """targets:
  - url: https://x.com/janedoe
  - url: https://www.instagram.com/jane.doe/
  - url: https://x.com/janedoe/status/1786123456789012345
"""
NUL_BIO, CUT_NAME, BELL_USER = "line one\x00line two", "Cut emoji \ufffd", "bell\x07user"


def _cli(args, env, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "social_graph.cli.main", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=600)


def _warehouse_env(target: str, stack: contextlib.ExitStack) -> dict[str, str]:
    if target == "duckdb":
        return {}
    db = stack.enter_context(scratch_database())
    return {"SOCIAL_DBT_TARGET": "postgres", "SOCIAL_PG_HOST": db.host,
            "SOCIAL_PG_PORT": str(db.port), "SOCIAL_PG_USER": db.user, "SOCIAL_PG_DB": db.dbname,
            "SOCIAL_PG_SCHEMA": "analytics"}


def _marts(target: str, env: dict, data: Path, sql: str) -> list[tuple]:
    if target == "duckdb":
        with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as db:
            return db.execute(sql).fetchall()
    with connect(env["SOCIAL_PG_DB"]) as conn, conn.cursor() as cur:
        cur.execute("set search_path to analytics")
        cur.execute(sql)
        return cur.fetchall()


@pytest.mark.parametrize("target", ["duckdb", "postgres"])
def test_odd_text_is_collected_built_and_exported_and_rebuilds(target, tmp_path):
    (tmp_path / "targets.yaml").write_text(TARGETS)
    data = tmp_path / "data"
    with contextlib.ExitStack() as stack:
        sim = stack.enter_context(SimulatorServer(
            SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0), odd_text=True), port=0))
        env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home"), "SOCIAL_DATA_DIR": str(data),
               "NYNE_BASE_URL": sim.url, "NYNE_API_KEY": sim.config.api_key,
               "NYNE_API_SECRET": sim.config.api_secret, **_warehouse_env(target, stack)}
        done = _cli(["collect", "--targets", str(tmp_path / "targets.yaml")], env, tmp_path)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "failures: 0" in done.stdout and "warehouse: FAILED" not in done.stdout

        # Parquet keeps the text as sent, the half emoji as U+FFFD (no UTF-8 string can hold
        # a lone surrogate); landing/ keeps the API's bytes, escape and all.
        followers = ds.dataset(data / "raw" / "followers", format="parquet").to_table().to_pylist()
        assert {r["bio"] for r in followers} >= {NUL_BIO}
        assert {r["display_name"] for r in followers} >= {CUT_NAME}
        assert {r["username"] for r in followers} >= {BELL_USER}
        bodies = [read_landed(p).body for p in iter_landed(data / "landing")]
        assert any("\\ud83d" in body for body in bodies)

        # The warehouse: every dbt test passed (collect exits 0 only then); the self-listing
        # is no follow edge and no follower of its own.
        rows = _marts(target, env, data, "select bio from dim_accounts where platform = 'twitter' "
                                         "and username = 'janedoe'")
        assert rows == [(NUL_BIO if target == "duckdb" else "line one\ufffdline two",)]
        assert _marts(target, env, data, "select count(*) from fct_follows where "
                                         "follower_username = followed_username") == [(0,)]
        assert _marts(target, env, data, "select count(*) from dim_accounts where username = "
                                         f"'{BELL_USER}'")[0][0] >= 1

        # The export: valid XML, the control character written as its escape.
        for name in ("social_graph.graphml", "social_graph.gexf"):
            ET.parse(data / "exports" / name)
        graph = nx.read_graphml(data / "exports" / "social_graph.graphml")
        assert "twitter:bell\\x07user" in graph

        # rebuild remakes every Parquet file, byte for byte, from landing/ alone.
        def snapshots() -> dict[Path, bytes]:
            return {p: p.read_bytes() for p in (data / "raw").glob("*/*/*/*.parquet")}

        before = snapshots()
        # followers and following of both accounts, the post's repliers, and the manifest's
        # file of each of the 3 requests
        assert len(before) == 8
        for path in before:
            path.unlink()
        rebuilt = _cli(["rebuild"], env, tmp_path)
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
        assert snapshots() == before
