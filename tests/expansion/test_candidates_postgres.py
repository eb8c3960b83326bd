"""The ``expansion_candidates`` mart on the PostgreSQL warehouse: the same ranking as by hand."""

import dagster as dg
import pytest

from resources.postgres import PostgresWarehouse
from resources.settings import Settings
from resources.storage import SocialStorage
from social_assets.expansion.candidates import load_candidates
from social_assets.export.connection import connect_warehouse
from social_assets.postgres_raw import postgres_raw
from tests.dbt.conftest import run_dbt
from tests.postgres import scratch_database

from .collection import EXPECTED, write_collection

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@pytest.fixture
def pg():
    with scratch_database() as database:
        yield database


def test_the_postgres_mart_ranks_as_computed_by_hand(pg, tmp_path, monkeypatch):
    data = tmp_path / "data"
    write_collection(data)
    with dg.instance_for_test() as instance:
        assert dg.materialize([postgres_raw], instance=instance, run_config=QUIET, resources={
            "storage": SocialStorage(data_dir=str(data)),
            "postgres": PostgresWarehouse(host=pg.host, port=pg.port, user=pg.user,
                                          dbname=pg.dbname)}).success
    env = {"SOCIAL_PG_HOST": pg.host, "SOCIAL_PG_PORT": str(pg.port), "SOCIAL_PG_USER": pg.user,
           "SOCIAL_PG_DB": pg.dbname, "SOCIAL_PG_SCHEMA": "analytics"}
    run_dbt(["build", "--select", "+expansion_candidates", "--indirect-selection", "cautious",
             "--exclude-resource-type", "unit_test"], data, target="postgres", extra_env=env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.resolve(data_dir=str(data), dbt_target="postgres")
    with connect_warehouse(settings) as conn:  # the read-only session the asset and CLI use
        candidates = load_candidates(conn)
    assert [(c.platform, c.username, c.score, c.followed_by_targets, c.follows_targets,
             c.mutual_targets) for c in candidates] == EXPECTED
    assert [c.rank for c in candidates] == list(range(1, len(EXPECTED) + 1))
