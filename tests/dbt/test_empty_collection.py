"""Before the first lookup lands (only the schema-only Parquet files), the warehouse still
builds: every mart exists, empty, and every test passes."""

from .conftest import query, run_dbt

MARTS = ["dim_accounts", "fct_follows", "fct_replies", "mutual_follows", "audience_overlap",
         "follower_changes", "account_metrics"]


def test_an_empty_collection_builds_every_mart_empty(data_dir):
    run_dbt(["build"], data_dir)
    for mart in MARTS:
        assert query(data_dir, f"select count(*) from {mart}") == [(0,)], mart
