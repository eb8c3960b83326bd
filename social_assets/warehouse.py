"""The dbt project as Dagster assets: the social graph built from the raw Parquet snapshots.

dbt's sources ARE the raw assets (``meta.dagster.asset_key`` in the sources yml), so the UI
shows one lineage graph from the API to the marts; dbt tests become asset checks. The models
are unpartitioned: each build reads every snapshot of every partition. They are always built
together, in dbt's own order (``warehouse_job``, launched by ``warehouse_sensor`` once new
snapshots have landed), never as subsets chosen asset by asset: a model built before the
staging table it reads existed is what broke the first automation runs of a fresh instance.

On DuckDB the build writes a new file beside the published warehouse and replaces it in one
rename once it passed (``social_assets.publish``): a reader holding the warehouse open never
blocks the build, and never sees half of one.

Builds are incremental (``dbt/macros/incremental.sql``): the build file starts as a copy of the
published warehouse, and dbt takes in only the snapshots staged since each model last built.
``full_refresh`` (the ``warehouse_full_refresh_job``, or ``dbt build --full-refresh``) starts
from an empty file and rebuilds every model from all snapshots; both give the same marts.

With the data dir on object storage (``SOCIAL_DATA_DIR=s3://bucket/prefix``) dbt-duckdb reads
the raw Parquet there through fsspec (the profile's ``filesystems``, from ``dbt_vars()``); the
warehouse file, the build and dbt's target folder stay in the local state folder.
"""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from resources.storage import SocialStorage
from social_assets.dbt_project import dbt_project, project_fingerprint
from social_assets.parquet import ensure_schema_files
from social_assets.publish import (BuildInProgress, build_lock, build_path, built_by, discard,
                                    finish, publish, published_name, record_built_by,
                                    start_from)

WAREHOUSE_POOL = "warehouse"
"""DuckDB allows one writer: every step that writes the warehouse shares this pool (limit 1)."""


class WarehouseBuildConfig(dg.Config):
    full_refresh: bool = False
    """Rebuild every model from all snapshots (``dbt build --full-refresh``), not only what
    the snapshots staged since the last build change."""


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
        # The manifest is parsed on DuckDB; account_pagerank (a Python model) is disabled on
        # PostgreSQL, where account_metrics computes PageRank in SQL.
        exclude=None if target == "duckdb" else "account_pagerank",
        name="social_graph_dbt",
        dagster_dbt_translator=SocialDbtTranslator(
            target, settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
        pool=WAREHOUSE_POOL,
    )
    def social_graph_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                         storage: SocialStorage, config: WarehouseBuildConfig):
        """``dbt build`` of the selected models and their tests: incremental, or with
        ``full_refresh`` every model rebuilt from all snapshots.

        What dbt built is recorded even when the build fails (a model error, a failing test
        and the models it skipped): the step then fails naming each node that did not pass.
        """
        settings = storage.settings()
        ensure_schema_files(settings.data_dir / "raw")
        published = published_name(settings)
        try:
            with build_lock(published):
                yield from _build(context, dbt, settings, published, config.full_refresh)
        except BuildInProgress as busy:
            raise dg.Failure(description=str(busy), allow_retries=False) from None

    return social_graph_dbt


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings, published: Path,
           full_refresh: bool):
    """One ``dbt build`` (incremental unless ``full_refresh``), with the build lock held."""
    dbt_vars = settings.dbt_vars()
    # A warehouse built by other models (the project changed: a model's SQL, a macro) is
    # rebuilt whole once; incremental builds would otherwise keep the old logic's rows.
    fingerprint = project_fingerprint(Path(dbt_project.project_dir))
    if not full_refresh and built_by(published) != fingerprint:
        full_refresh = True
        context.log.info("full refresh: the warehouse was not built by this dbt project "
                         "(new, or a model or macro changed since its last build)")
    build = None
    if settings.dbt_target == "duckdb":  # built beside the published file (publish.py)
        settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        build = build_path(settings.warehouse_path)
        discard(build)  # what a killed build left
        if not full_refresh:
            start_from(settings.warehouse_path, build)  # what the incremental build adds to
        dbt_vars["warehouse_path"] = str(build)
    # dbt reads where the data is from --vars (the profile and the sources prefer them to the
    # environment), so it builds from the same place this run reads. The same vars and the
    # same target folder every build: dbt re-reads its last parse rather than parsing again.
    args = ["build", "--vars", json.dumps(dbt_vars)]
    if full_refresh:
        args.append("--full-refresh")
    settings.dbt_build_dir.mkdir(parents=True, exist_ok=True)
    invocation = dbt.cli(args, context=context, raise_on_error=False,
                         target_path=settings.dbt_build_dir)
    if build is None:
        yield from invocation.stream().fetch_row_counts()
    else:
        # Counted once dbt is done (fetch_row_counts() would open the file while dbt still
        # writes it), then published in one rename if the build passed.
        events = list(invocation.stream())
        passed = invocation.is_successful()
        counts = finish(build) if passed and build.exists() else {}
        for event in events:
            if isinstance(event, dg.Output):
                name = context.asset_key_for_output(event.output_name).path[-1]
                if name in counts:
                    event = event.with_metadata({**event.metadata,
                                                 "dagster/row_count": counts[name]})
            yield event
        if passed:
            publish(build, settings.warehouse_path)
            context.log.info(f"published the new warehouse at {settings.warehouse_path}")
        else:
            discard(build)
    if not invocation.is_successful():
        kept = (f"\nThe published warehouse {settings.warehouse_path} is unchanged (the "
                "previous build)." if build is not None else "")
        raise dg.Failure(description=_failed_nodes(invocation) + kept, allow_retries=False)
    record_built_by(published, fingerprint)


def _failed_nodes(invocation) -> str:
    """Which nodes of the build did not pass, and dbt's message for each."""
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # noqa: BLE001 - no results written: dbt failed before running anything
        return f"dbt build failed: {invocation.get_error()}"
    bad = [r for r in results if r.get("status") in ("error", "fail", "skipped", "runtime error")]
    # What failed first, then the models it skipped, each in name order: the same build always
    # reads the same (dbt's threads finish in any order), and the 50 shown are the useful ones.
    bad.sort(key=lambda r: (r.get("status") == "skipped",
                            not r["unique_id"].startswith("model."), r["unique_id"]))
    lines = [f"- {r['unique_id']}: {r['status']}"
             + (f" ({(r.get('message') or '').strip()[:300]})" if r.get("message") else "")
             for r in bad[:50]]
    more = f"\n... and {len(bad) - 50} more" if len(bad) > 50 else ""
    built = len(results) - len(bad)
    return (f"dbt build: {len(bad)} of {len(results)} nodes did not pass ({built} built or "
            f"passed, and recorded):\n" + "\n".join(lines) + more)
