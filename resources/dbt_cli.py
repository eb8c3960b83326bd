"""The dbt CLI resource the warehouse build runs: dagster-dbt's, without two costs it adds to
every build before dbt even starts.

``DbtCliResource.cli`` first runs ``dbt --version`` in a subprocess to learn whether it drives
dbt Core or the Fusion engine (1.7 s here: a whole dbt start-up), then builds a dbt adapter in
this process (2.4 s: loading the profile, the project and every macro), which it uses only to
query the warehouse from Dagster (``fetch_row_counts``, ``fetch_column_metadata``). Measured on
a small collection, they were 4.1 s of a 13 s build in a fresh run worker: a fixed cost of
every build, whatever its size.

- The version: the executable is this venv's dbt (``social-graph-dbt``), so its version is the
  installed ``dbt-core`` package's, read from its metadata.
- The adapter: made only where a build asks the warehouse through it. On DuckDB the build
  counts rows itself, once dbt is done (``social_assets.publish.finish``); on PostgreSQL it
  uses ``fetch_row_counts``, which needs it.
"""

from __future__ import annotations

from functools import cached_property
from importlib import metadata

from dagster_dbt import DbtCliResource
from packaging import version


class WarehouseDbtCli(DbtCliResource):
    """``DbtCliResource`` for the warehouse build (see the module docstring)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        if self.target == "duckdb":
            return None  # not used: the build counts rows from the file it published
        return super()._initialize_dbt_core_adapter(args)
