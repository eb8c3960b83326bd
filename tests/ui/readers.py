"""Small readers of the stack's state, built on the GraphQL documents of ``queries``."""

from __future__ import annotations

from typing import Any

from tests.ui import queries as q
from tests.ui.graphql import GraphQL

IN_FLIGHT = {"QUEUED", "NOT_STARTED", "MANAGED", "STARTING", "STARTED", "CANCELING"}
BACKFILL_DONE = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


def result(gql: GraphQL, query: str, ok: str, **variables: Any) -> dict:
    """The one root field of ``query``, asserted to be of GraphQL type ``ok``."""
    (data,) = gql(query, **variables).values()
    assert data["__typename"] == ok, data
    return data


def key(name: str) -> dict:
    return {"path": [name]}


def tags_of(run: dict) -> dict[str, str]:
    return {t["key"]: t["value"] for t in run["tags"]}


def terminal(run: dict) -> bool:
    return run["status"] not in IN_FLIGHT


def runs(gql: GraphQL, job: str | None = None, tags: dict[str, str] | None = None,
         limit: int = 500) -> list[dict]:
    """Runs, newest first, of ``job`` (RunsFilter.pipelineName is the job name)."""
    flt: dict[str, Any] = {}
    if job:
        flt["pipelineName"] = job
    if tags:
        flt["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
    return result(gql, q.RUNS, "Runs", filter=flt, limit=limit)["results"]


def run(gql: GraphQL, run_id: str, full: bool = True) -> dict:
    return result(gql, q.RUN, "Run", runId=run_id, full=full)


def _events(gql: GraphQL, run_id: str) -> list[dict]:
    return gql(q.RUN_EVENTS, runId=run_id)["runOrError"]["eventConnection"]["events"]


def run_messages(gql: GraphQL, run_id: str) -> list[str]:
    out = []
    for event in _events(gql, run_id):
        if event.get("message"):
            out.append(event["message"])
        if event.get("error"):
            out.append(event["error"]["message"])
    return out


def failure_summary(gql: GraphQL, run_id: str, limit: int = 3) -> str:
    """The first error messages of a run's events (for assertion messages)."""
    errors = [f"{e['__typename']}: {e['error']['message'].strip()}"
              for e in _events(gql, run_id) if e.get("error")]
    return "; ".join(errors[:limit]) or "(no error event)"


def describe_runs(gql: GraphQL, runs: list[dict]) -> str:
    """Each run's id, job and status, with its first errors unless it succeeded."""
    lines = []
    for r in runs:
        line = f"{r['runId'][:8]} {r['jobName']} {r['status']}"
        if r["status"] != "SUCCESS":
            line += f": {failure_summary(gql, r['runId'])}"
        lines.append(line)
    return "; ".join(lines) or "(no runs)"


def describe_in_flight(gql: GraphQL, last: int = 2) -> str:
    """Each queued or running run with its last event messages (for timeout messages)."""
    lines = []
    for r in runs(gql):
        if r["status"] in IN_FLIGHT:
            messages = [m for m in run_messages(gql, r["runId"]) if m.strip()][-last:]
            lines.append(f"{r['runId'][:8]} {r['jobName']} {r['status']}: {' | '.join(messages)}")
    return "\n".join(lines) or "(no run in flight)"


def sensor(gql: GraphQL, name: str) -> dict:
    """The sensor, or the error the server answered instead (not asserted)."""
    return gql(q.SENSOR, selector={**q.REPO, "sensorName": name})["sensorOrError"]


def stop_sensor(gql: GraphQL, name: str) -> str:
    """Stops the sensor if it runs; returns its status afterwards."""
    state = result(gql, q.SENSOR, "Sensor",
                   selector={**q.REPO, "sensorName": name})["sensorState"]
    if state["status"] != "RUNNING":
        return state["status"]
    stopped = result(gql, q.STOP_SENSOR, "StopSensorMutationResult", id=state["id"])
    return stopped["instigationState"]["status"]


def healthy_daemons(gql: GraphQL) -> set[str]:
    """The types of the instance's daemons that report healthy."""
    statuses = gql(q.DAEMONS)["instance"]["daemonHealth"]["allDaemonStatuses"]
    return {s["daemonType"] for s in statuses if s["healthy"]}


def _partitions(gql: GraphQL, asset: str) -> dict:
    return result(gql, q.PARTITIONS, "AssetNode", key=key(asset))


def partition_keys(gql: GraphQL, asset: str) -> list[str]:
    return _partitions(gql, asset)["partitionKeys"]


def partition_status(gql: GraphQL, asset: str) -> dict[str, list[str]]:
    return _partitions(gql, asset)["assetPartitionStatuses"]


def checks(gql: GraphQL, asset: str) -> dict[str, dict]:
    """The asset's checks by name, each with its per-partition statuses."""
    found = result(gql, q.CHECKS, "AssetNode", key=key(asset))["assetChecksOrError"]
    assert found["__typename"] == "AssetChecks", found
    return {c["name"]: c for c in found["checks"]}


def materializations(gql: GraphQL, asset: str, limit: int = 1000) -> list[dict]:
    """Materialization events of ``asset``, newest first ([] if it has none)."""
    data = gql(q.MATERIALIZATIONS, key=key(asset), limit=limit)["assetOrError"]
    if data["__typename"] != "Asset":
        return []
    return data["assetMaterializations"]


def backfill_ids(gql: GraphQL) -> set[str]:
    return {b["id"] for b in result(gql, q.BACKFILLS, "PartitionBackfills")["results"]}


def backfill(gql: GraphQL, backfill_id: str, full: bool = True) -> dict:
    return result(gql, q.BACKFILL, "PartitionBackfill", id=backfill_id, full=full)


def materialized_by(run_record: dict) -> set[tuple[str, str | None]]:
    """(asset name, partition) pairs a run materialized."""
    return {("/".join(m["assetKey"]["path"]), m["partition"])
            for m in run_record["assetMaterializations"]}
