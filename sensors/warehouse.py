"""The warehouse sensor: rebuilds the warehouse (dbt build, then the export) after new snapshots.

Each tick compares the newest materialization of the raw assets (``followers``, ``following``,
``repliers``) with the one the last requested build covered (the cursor, a storage id). When
there is something new it waits until no collection run is queued or running (so a batch of
runs, a backfill or the sensor's first batch, leads to ONE build, not one per run) and until no
warehouse build is in flight, then requests ``warehouse_job``: every model in dbt's own order,
then ``social_graph_export``. A build that fails is not retried by the sensor until new
snapshots land; relaunch it from the UI (or ``warehouse_job``) once the cause is fixed.
"""

import dagster as dg

from social_assets.jobs import IN_FLIGHT, JOB_BY_PARTITIONS_DEF, warehouse_job
from social_assets.plan import RAW_ASSETS

RAW_KEYS = frozenset(dg.AssetKey(a) for a in RAW_ASSETS)
COLLECTION_JOBS = frozenset(job.name for job in JOB_BY_PARTITIONS_DEF.values())


@dg.sensor(
    job=warehouse_job,
    minimum_interval_seconds=30,
    description="Builds the warehouse (dbt build, then the graph export) once new raw "
                "snapshots have landed and no collection run is in flight.",
)
def warehouse_sensor(context: dg.SensorEvaluationContext):
    instance = context.instance
    latest = newest_raw_materialization(instance)
    if latest is None:
        return dg.SkipReason("nothing collected yet")
    handled = int(context.cursor) if (context.cursor or "").isdigit() else 0
    if latest <= handled:
        return dg.SkipReason("the warehouse has been requested for every snapshot so far")
    collecting, building = runs_in_flight(instance)
    if collecting:
        return dg.SkipReason(f"new snapshots; waiting for {collecting} collection run(s) "
                             "to finish before building")
    if building:
        return dg.SkipReason("new snapshots; waiting for the warehouse build in flight")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"warehouse:{latest}",
                                    tags={"social/launched_by": "warehouse_sensor"})],
        cursor=str(latest))


def newest_raw_materialization(instance: dg.DagsterInstance) -> int | None:
    """The storage id of the newest materialization of any raw asset, or None."""
    ids = [record.asset_entry.last_materialization_record.storage_id
           for record in instance.get_asset_records(list(RAW_KEYS))
           if record.asset_entry.last_materialization_record is not None]
    return max(ids, default=None)


def runs_in_flight(instance: dg.DagsterInstance) -> tuple[int, int]:
    """How many queued or running runs collect raw assets, and how many build the warehouse.

    By what the runs materialize: a backfill from the UI runs in Dagster's implicit asset job
    with its assets as the run's selection; a run of ``accounts_job``/``posts_job`` (from the
    target list sensor, a schedule or the launchpad) has no selection of its own, and its job
    says what it collects.
    """
    collecting = building = 0
    for record in instance.get_run_records(dg.RunsFilter(statuses=IN_FLIGHT)):
        run = record.dagster_run
        selection = run.asset_selection or frozenset()
        if run.job_name == warehouse_job.name:
            building += 1
        elif selection & RAW_KEYS or (not selection and run.job_name in COLLECTION_JOBS):
            collecting += 1
        elif selection:  # a run of warehouse assets launched by hand from the UI
            building += 1
    return collecting, building
