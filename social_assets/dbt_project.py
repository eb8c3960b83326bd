"""The dbt project in ``dbt/``, and nothing else (``dagster-dbt project prepare-and-package
--file social_assets/dbt_project.py`` imports this module alone to build the manifest)."""

import os
from pathlib import Path

from dagster_dbt import DbtProject

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt"

# The dbt target (duckdb or postgres) decides which assets exist (the PostgreSQL loader), so it
# is read when the code location loads.
DBT_TARGET = os.environ.get("SOCIAL_DBT_TARGET", "duckdb")

dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR, target=DBT_TARGET)
# `dagster dev` parses the project on load; tests, CI and `make` prepare it with `dbt parse`.
dbt_project.prepare_if_dev()
