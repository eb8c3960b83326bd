"""The refresh plan on PostgreSQL: the Dagster build (raw loader + dbt) computes it, with the
budget from the environment, and the sensor's reader reads it back the same as on DuckDB."""

import dagster as dg
import pytest
from dagster_dbt import DbtCliResource

from resources.postgres import PostgresWarehouse
from resources.storage import SocialStorage
from social_assets.dbt_project import DBT_EXECUTABLE, dbt_project
from social_assets.parquet import ensure_schema_files
from social_assets.postgres_raw import postgres_raw
from social_assets.refresh.plan_rows import due_partitions, read_plan
from social_assets.warehouse import build_dbt_assets
from tests.planning.test_refresh_plan_dbt import DAY0, _collect
from tests.postgres import scratch_database, warehouse_env

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@pytest.fixture
def pg():
    with scratch_database() as database:
        yield database


def test_the_postgres_build_plans_like_duckdb(pg, tmp_path, monkeypatch):
    for name, value in {**warehouse_env(pg), "SOCIAL_MONTHLY_CREDITS": "48",
                        "SOCIAL_REFRESH_FLOOR_DAYS": "2"}.items():
        monkeypatch.setenv(name, value)
    data = tmp_path / "data"
    ensure_schema_files(data / "raw")
    _collect(data)
    storage = SocialStorage(data_dir=str(data), dbt_target="postgres")
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [postgres_raw, build_dbt_assets("postgres")], instance=instance, run_config=QUIET,
            resources={
                "storage": storage,
                "postgres": PostgresWarehouse(host=pg.host, port=pg.port, user=pg.user,
                                              dbname=pg.dbname),
                "dbt": DbtCliResource(project_dir=dbt_project, target="postgres",
                                      dbt_executable=DBT_EXECUTABLE),
            })
    assert result.success
    plan = {r.target_username: r for r in read_plan(storage.settings())}
    assert set(plan) == {"fast", "quiet", "new"}
    assert plan["quiet"].refreshes_per_month == 1
    assert plan["fast"].refreshes_per_month > plan["new"].refreshes_per_month
    assert plan["fast"].refreshes_per_month <= 15  # the floor: every 2 days at most
    assert plan["fast"].plan_budget_credits == 48
    assert sum(r.credits_per_month for r in plan.values()) <= 48
    assert plan["fast"].last_snapshot_at == DAY0.replace(day=15)
    assert due_partitions(plan.values(), plan["fast"].next_refresh_at) == ["tw_fast"]
