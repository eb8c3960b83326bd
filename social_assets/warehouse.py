"""The dbt project as Dagster assets: the social graph built from the raw Parquet snapshots.

dbt's sources ARE the raw assets (``meta.dagster.asset_key`` in the sources yml), so the UI
shows one lineage graph from the API to the marts; dbt tests become asset checks. The models
are unpartitioned: each build reads every snapshot of every partition. They are always built
together, in dbt's own order (``warehouse_job``, launched by ``warehouse_sensor`` once new
snapshots have landed), never as subsets chosen asset by asset: a model built before the
staging table it reads existed is what broke the first automation runs of a fresh instance.
"""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from resources.storage import SocialStorage
from social_assets.dbt_project import dbt_project
from social_assets.parquet import ensure_schema_files

WAREHOUSE_POOL = "warehouse"
"""DuckDB allows one writer: every step that writes the warehouse shares this pool (limit 1)."""


class SocialDbtTranslator(DagsterDbtTranslator):
    """Models in group ``warehouse``; on PostgreSQL the sources are the loaded
    ``postgres_raw/<asset>`` tables rather than the Parquet assets themselves."""

    def __init__(self, target: str, settings: DagsterDbtTranslatorSettings | None = None):
        super().__init__(settings=settings)
        self.target = target

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source" and self.target == "postgres":
            return dg.AssetKey(["postgres_raw", dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"


def build_dbt_assets(target: str) -> dg.AssetsDefinition:
    """The dbt models of ``target`` (``duckdb`` or ``postgres``: the code location's, read
    once when it loads) as one multi-asset, ``social_graph_dbt``."""

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        name="social_graph_dbt",
        dagster_dbt_translator=SocialDbtTranslator(
            target, settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
        pool=WAREHOUSE_POOL,
    )
    def social_graph_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                         storage: SocialStorage):
        """``dbt build`` of the selected models and their tests.

        What dbt built is recorded even when the build fails (a model error, a failing test
        and the models it skipped): the step then fails naming each node that did not pass.
        """
        settings = storage.settings()
        ensure_schema_files(settings.data_dir / "raw")
        # dbt reads where the data is from --vars (the profile and the sources prefer them
        # to the environment), so it builds from the same place this run reads.
        invocation = dbt.cli(["build", "--vars", json.dumps(settings.dbt_vars())],
                             context=context, raise_on_error=False)
        if settings.dbt_target != "duckdb":
            yield from invocation.stream().fetch_row_counts()
        else:
            # DuckDB has one writer: fetch_row_counts() would open the file while dbt still
            # writes it and take its lock. Count the built tables once dbt is done instead.
            events = list(invocation.stream())
            counts = _duckdb_table_counts(settings.warehouse_path)
            for event in events:
                if isinstance(event, dg.Output):
                    name = context.asset_key_for_output(event.output_name).path[-1]
                    if name in counts:
                        event = event.with_metadata({**event.metadata,
                                                     "dagster/row_count": counts[name]})
                yield event
        if not invocation.is_successful():
            raise dg.Failure(description=_failed_nodes(invocation), allow_retries=False)

    return social_graph_dbt


def _failed_nodes(invocation) -> str:
    """Which nodes of the build did not pass, and dbt's message for each."""
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # noqa: BLE001 - no results written: dbt failed before running anything
        return f"dbt build failed: {invocation.get_error()}"
    bad = [r for r in results if r.get("status") in ("error", "fail", "skipped", "runtime error")]
    lines = [f"- {r['unique_id']}: {r['status']}"
             + (f" ({(r.get('message') or '').strip()[:300]})" if r.get("message") else "")
             for r in bad[:50]]
    more = f"\n... and {len(bad) - 50} more" if len(bad) > 50 else ""
    built = len(results) - len(bad)
    return (f"dbt build: {len(bad)} of {len(results)} nodes did not pass ({built} built or "
            f"passed, and recorded):\n" + "\n".join(lines) + more)


def _duckdb_table_counts(path: Path) -> dict[str, int]:
    """Row counts of the warehouse's tables (views are not counted: that would run them)."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as db:
        tables = [row[0] for row in db.execute(
            "select table_name from duckdb_tables() where schema_name = current_schema()"
        ).fetchall()]
        return {t: db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
