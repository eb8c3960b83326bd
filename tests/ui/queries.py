"""GraphQL against the dagster-webserver 1.13.27 schema (checked by introspection of the running
server), and small readers built on it."""

from __future__ import annotations

from typing import Any

from tests.ui.stack import LOCATION, REPOSITORY, GraphQL

IN_FLIGHT = {"QUEUED", "NOT_STARTED", "MANAGED", "STARTING", "STARTED", "CANCELING"}
BACKFILL_DONE = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}
REPO = {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY}

LOCATIONS = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message stack }
          ... on RepositoryLocation { repositories { name } }
        }
      }
    }
    ... on PythonError { message }
  }
}"""

SET_NUX_SEEN = "mutation { setNuxSeen }"

ASSET_NODES = """
query {
  assetNodes {
    assetKey { path }
    groupName
    isPartitioned
    partitionDefinition { name }
    dependencyKeys { path }
    jobNames
  }
}"""

RUNS = """
query($filter: RunsFilter, $limit: Int) {
  runsOrError(filter: $filter, limit: $limit) {
    __typename
    ... on Runs {
      results { runId jobName status creationTime startTime endTime tags { key value } }
    }
    ... on PythonError { message }
  }
}"""

RUN = """
query($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      runId jobName status runConfigYaml creationTime endTime
      tags { key value }
      assetSelection { path }
      assetMaterializations { assetKey { path } partition }
    }
    ... on RunNotFoundError { message }
    ... on PythonError { message }
  }
}"""

RUN_EVENTS = """
query($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      eventConnection(limit: 10000) {
        events {
          __typename
          ... on MessageEvent { message }
          ... on ExecutionStepFailureEvent { stepKey error { message } }
          ... on RunFailureEvent { error { message } }
          ... on EngineEvent { error { message } }
        }
      }
    }
  }
}"""

SENSOR = """
query($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor {
      name
      minIntervalSeconds
      sensorState {
        status
        ticks(limit: 100) {
          tickId status timestamp endTimestamp runIds skipReason
          error { message }
          dynamicPartitionsRequestResults {
            partitionsDefName partitionKeys skippedPartitionKeys type
          }
        }
      }
    }
    ... on SensorNotFoundError { message }
    ... on PythonError { message }
  }
}"""

PARTITIONS = """
query($key: AssetKeyInput!) {
  assetNodeOrError(assetKey: $key) {
    __typename
    ... on AssetNode {
      partitionKeys
      assetPartitionStatuses {
        __typename
        ... on DefaultPartitionStatuses {
          materializedPartitions failedPartitions unmaterializedPartitions materializingPartitions
        }
      }
    }
    ... on AssetNotFoundError { message }
  }
}"""

MATERIALIZATIONS = """
query($key: AssetKeyInput!, $limit: Int) {
  assetOrError(assetKey: $key) {
    __typename
    ... on Asset {
      assetMaterializations(limit: $limit) {
        runId partition timestamp
        metadataEntries {
          __typename label
          ... on IntMetadataEntry { intValue intRepr }
          ... on FloatMetadataEntry { floatValue }
          ... on TextMetadataEntry { text }
          ... on MarkdownMetadataEntry { mdStr }
          ... on PathMetadataEntry { path }
        }
      }
    }
    ... on AssetNotFoundError { message }
  }
}"""

BACKFILLS = """
query {
  partitionBackfillsOrError(limit: 100) {
    __typename
    ... on PartitionBackfills { results { id status creationTime } }
    ... on PythonError { message }
  }
}"""

BACKFILL = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill {
      id status numPartitions partitionNames
      assetSelection { path }
      error { message }
      runs {
        runId status jobName
        tags { key value }
        assetMaterializations { assetKey { path } partition }
      }
    }
    ... on BackfillNotFoundError { message }
    ... on PythonError { message }
  }
}"""

LAUNCH_RUN = """
mutation($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on PipelineNotFoundError { message }
    ... on RunConflict { message }
    ... on UnauthorizedError { message }
  }
}"""


SENSOR_DRY_RUN = """
mutation($selector: SensorSelector!, $cursor: String) {
  sensorDryRun(selectorData: $selector, cursor: $cursor) {
    __typename
    ... on DryRunInstigationTick {
      evaluationResult {
        skipReason cursor
        runRequests { runKey jobName }
        error { message }
      }
    }
    ... on SensorNotFoundError { message }
    ... on PythonError { message }
  }
}"""


# -- readers -------------------------------------------------------------------------------

def key(name: str) -> dict:
    return {"path": [name]}


def tags_of(run: dict) -> dict[str, str]:
    return {t["key"]: t["value"] for t in run["tags"]}


def runs(gql: GraphQL, job: str | None = None, tags: dict[str, str] | None = None,
         limit: int = 500) -> list[dict]:
    """Runs, newest first, of ``job`` (RunsFilter.pipelineName is the job name)."""
    flt: dict[str, Any] = {}
    if job:
        flt["pipelineName"] = job
    if tags:
        flt["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
    data = gql(RUNS, filter=flt, limit=limit)["runsOrError"]
    assert data["__typename"] == "Runs", data
    return data["results"]


def run(gql: GraphQL, run_id: str) -> dict:
    data = gql(RUN, runId=run_id)["runOrError"]
    assert data["__typename"] == "Run", data
    return data


def run_messages(gql: GraphQL, run_id: str) -> list[str]:
    data = gql(RUN_EVENTS, runId=run_id)["runOrError"]
    out = []
    for event in data["eventConnection"]["events"]:
        if event.get("message"):
            out.append(event["message"])
        if event.get("error"):
            out.append(event["error"]["message"])
    return out


def failure_summary(gql: GraphQL, run_id: str, limit: int = 3) -> str:
    """The first error messages of a run's events (for assertion messages)."""
    data = gql(RUN_EVENTS, runId=run_id)["runOrError"]
    errors = [f"{e['__typename']}: {e['error']['message'].strip()}"
              for e in data["eventConnection"]["events"] if e.get("error")]
    return "; ".join(errors[:limit]) or "(no error event)"


def describe_in_flight(gql: GraphQL, last: int = 2) -> str:
    """Each queued or running run with its last event messages (for timeout messages)."""
    lines = []
    for r in runs(gql):
        if r["status"] in IN_FLIGHT:
            messages = [m for m in run_messages(gql, r["runId"]) if m.strip()][-last:]
            lines.append(f"{r['runId'][:8]} {r['jobName']} {r['status']}: {' | '.join(messages)}")
    return "\n".join(lines) or "(no run in flight)"


def sensor(gql: GraphQL, name: str) -> dict:
    return gql(SENSOR, selector={**REPO, "sensorName": name})["sensorOrError"]


def partition_keys(gql: GraphQL, asset: str) -> list[str]:
    node = gql(PARTITIONS, key=key(asset))["assetNodeOrError"]
    assert node["__typename"] == "AssetNode", node
    return node["partitionKeys"]


def partition_status(gql: GraphQL, asset: str) -> dict[str, list[str]]:
    node = gql(PARTITIONS, key=key(asset))["assetNodeOrError"]
    assert node["__typename"] == "AssetNode", node
    return node["assetPartitionStatuses"]


def materializations(gql: GraphQL, asset: str, limit: int = 1000) -> list[dict]:
    """Materialization events of ``asset``, newest first ([] if it has none)."""
    data = gql(MATERIALIZATIONS, key=key(asset), limit=limit)["assetOrError"]
    if data["__typename"] != "Asset":
        return []
    return data["assetMaterializations"]


def backfill_ids(gql: GraphQL) -> set[str]:
    data = gql(BACKFILLS)["partitionBackfillsOrError"]
    assert data["__typename"] == "PartitionBackfills", data
    return {b["id"] for b in data["results"]}


def backfill(gql: GraphQL, backfill_id: str) -> dict:
    data = gql(BACKFILL, id=backfill_id)["partitionBackfillOrError"]
    assert data["__typename"] == "PartitionBackfill", data
    return data


def materialized_by(run_record: dict) -> set[tuple[str, str | None]]:
    """(asset name, partition) pairs a run materialized."""
    return {("/".join(m["assetKey"]["path"]), m["partition"])
            for m in run_record["assetMaterializations"]}
