"""Asset checks on the raw snapshots, evaluated per partition as each snapshot is written.

Two checks per raw asset, shown on its Checks tab and per partition in the UI:

- ``schema_as_declared``: the Parquet file on disk has exactly the declared columns, types and
  nullability (what dbt's sources and every reader rely on). An error when it does not.
- ``rows_vs_total``: the list against what the API said about it. An error when the numbers
  cannot both be true (more rows than ``max_results`` asked, or than the API's ``total_count``);
  a warning when the list is incomplete: cut at ``max_results`` or shorter than ``total_count``
  (``is_truncated``: counts from it are lower bounds), or entries without a username were dropped.
  Passes when the list holds every account the API counted.

The lookups run many partitions in one step (a single-run backfill is a partition range), and
Dagster gives an ``AssetCheckResult`` yielded in such a step no partition, so the evaluations are
built here with the partition named, and pointed at the materialization they check.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluation, AssetCheckEvaluationTargetMaterializationData)

from resources.datadir import is_remote
from social_assets.parquet import SCHEMAS
from social_assets.snapshots import Snapshot

SCHEMA_CHECK = "schema_as_declared"
ROWS_CHECK = "rows_vs_total"


def check_specs(asset: str, partitions_def: dg.PartitionsDefinition) -> list[dg.AssetCheckSpec]:
    """The raw asset's checks, partitioned like the asset (a history per account or post).

    A partitioned check spec is a preview feature of Dagster 1.13 (it warns once per spec);
    chosen on purpose, since a check history per account is what the UI's partition view needs.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return _specs(asset, partitions_def)


def _specs(asset: str, partitions_def: dg.PartitionsDefinition) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            SCHEMA_CHECK, asset=asset, partitions_def=partitions_def,
            description="The snapshot's Parquet file has exactly the declared columns, types and "
                        "nullability (the column schema on this asset's page)."),
        dg.AssetCheckSpec(
            ROWS_CHECK, asset=asset, partitions_def=partitions_def,
            description="Rows written against the API's total_count and the max_results asked: "
                        "an error when they contradict each other, a warning when the list is "
                        "incomplete (truncated, or entries without a username dropped)."),
    ]


def schema_evaluation(snap: Snapshot) -> tuple[bool, str, dict]:
    """Whether the file at ``snap.path`` has the declared schema, what differs, as metadata."""
    declared = SCHEMAS[snap.asset]
    try:
        if is_remote(snap.path):  # on object storage: read through fsspec (the footer only)
            with snap.path.open("rb") as handle:
                actual = pq.read_schema(handle)
        else:
            actual = pq.read_schema(snap.path)
    except (OSError, pa.ArrowException) as exc:
        return False, f"{snap.path.name}: cannot read the schema: {exc}", {}
    want = {f.name: f for f in declared}
    have = {f.name: f for f in actual}
    missing = [n for n in want if n not in have]
    extra = [n for n in have if n not in want]
    changed = [f"{n}: {_describe(have[n])} (declared {_describe(want[n])})"
               for n in want if n in have and not have[n].equals(want[n])]
    order_ok = [n for n in have if n in want] == [n for n in want if n in have]
    passed = not (missing or extra or changed) and order_ok
    problems = ([f"missing columns: {', '.join(missing)}"] if missing else []) \
        + ([f"undeclared columns: {', '.join(extra)}"] if extra else []) \
        + ([f"changed columns: {'; '.join(changed)}"] if changed else []) \
        + ([] if order_ok else ["columns out of the declared order"])
    text = "matches the declared schema" if passed else "; ".join(problems)
    meta = {"columns": dg.MetadataValue.int(len(actual))}
    if not passed:
        meta["problems"] = dg.MetadataValue.json(problems)
    return passed, f"{snap.path.name}: {text}", meta


def rows_evaluation(snap: Snapshot) -> tuple[bool, dg.AssetCheckSeverity, str]:
    """The snapshot's rows against ``total_count`` and ``max_results``: (passed, severity, why)."""
    rows, total, cap = snap.rows, snap.total_count, snap.max_results
    error = dg.AssetCheckSeverity.ERROR
    warn = dg.AssetCheckSeverity.WARN
    if rows > cap:
        return False, error, f"{rows} rows, more than the max_results={cap} the lookup asked for"
    if total is not None and rows > total:
        return False, error, f"{rows} rows, more than the API's total_count={total}"
    if snap.truncated:
        said = f" of total_count={total}" if total is not None else ""
        return False, warn, (f"truncated: {rows} rows{said} with max_results={cap}; counts from "
                             f"this list are lower bounds")
    if total is not None and rows < total:
        return False, warn, (f"{total - rows} of the API's {total} entries had no username and "
                             f"were dropped")
    known = f" of total_count={total}" if total is not None else ""
    return True, error, f"complete: {rows} rows{known}, under max_results={cap}"


def evaluations(context: dg.AssetExecutionContext, snap: Snapshot,
                partition: str) -> list[AssetCheckEvaluation]:
    """Both checks of one written snapshot, for ``partition``; call after its materialization
    was yielded (Dagster has stored it by then, so the evaluation can point at it)."""
    key = dg.AssetKey(snap.asset)
    target = _latest_materialization(context, key, partition)
    counts = {"rows": dg.MetadataValue.int(snap.rows),
              "max_results": dg.MetadataValue.int(snap.max_results),
              "is_truncated": dg.MetadataValue.bool(snap.truncated),
              "request_id": dg.MetadataValue.text(snap.request_id)}
    if snap.total_count is not None:
        counts["total_count"] = dg.MetadataValue.int(snap.total_count)
    schema_ok, schema_text, schema_meta = schema_evaluation(snap)
    rows_ok, severity, rows_text = rows_evaluation(snap)
    return [
        AssetCheckEvaluation(asset_key=key, check_name=SCHEMA_CHECK, passed=schema_ok,
                             metadata=schema_meta, description=schema_text, partition=partition,
                             target_materialization_data=target, blocking=False),
        AssetCheckEvaluation(asset_key=key, check_name=ROWS_CHECK, passed=rows_ok,
                             severity=severity, metadata=counts, description=rows_text,
                             partition=partition, target_materialization_data=target,
                             blocking=False),
    ]


class CheckOutputs:
    """Dagster wants each declared check's output once per step, and the evaluations here are
    many (one per partition): the first evaluation of a check brings its output along, and
    ``remaining`` gives the outputs of the checks no partition of the run evaluated."""

    def __init__(self, context: dg.AssetExecutionContext):
        specs = context.assets_def.check_specs_by_output_name
        self._names = {spec.key: name for name, spec in specs.items()}
        self._done: set[dg.AssetCheckKey] = set()

    def emit(self, evaluation: AssetCheckEvaluation) -> Iterator[dg.Output | AssetCheckEvaluation]:
        key = evaluation.asset_check_key
        if key in self._names and key not in self._done:
            self._done.add(key)
            yield dg.Output(None, output_name=self._names[key])
        yield evaluation

    def remaining(self) -> Iterator[dg.Output]:
        for key, name in self._names.items():
            if key not in self._done:
                self._done.add(key)
                yield dg.Output(None, output_name=name)


def _describe(field: pa.Field) -> str:
    return f"{field.type}{'' if field.nullable else ' not null'}"


def _latest_materialization(context: dg.AssetExecutionContext, key: dg.AssetKey,
                            partition: str) -> AssetCheckEvaluationTargetMaterializationData | None:
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]), limit=1).records
    if not records:
        return None
    record = records[0]
    return AssetCheckEvaluationTargetMaterializationData(
        run_id=record.event_log_entry.run_id, storage_id=record.storage_id,
        timestamp=record.timestamp)
