"""GraphQL documents against the dagster-webserver 1.13.27 schema (checked by introspection of
the running server).

Most root fields answer a union of one result type and error types; every error type but a
few implements the ``Error`` interface, so ``_one`` writes that envelope once: the result's
``__typename``, its selection, and ``... on Error { message }``.
"""

LOCATION = "social_graph"
REPOSITORY = "__repository__"
REPO = {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY}


def _one(head: str, root: str, ok: str, selection: str, others: str = "") -> str:
    """A document of one root field whose answer is of type ``ok`` (or one of ``others``, inline
    fragments of the types that do not implement Error) or an Error."""
    return (f"{head} {{\n  {root} {{\n    __typename\n    ... on {ok} {{{selection}}}\n"
            f"{others}    ... on Error {{ message }}\n  }}\n}}")


LOCATIONS = _one("query", "workspaceOrError", "Workspace", """
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message stack }
          ... on RepositoryLocation { repositories { name } }
        }
      }
    """)

DAEMONS = """
query { instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } } }"""

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

RUNS = _one("query($filter: RunsFilter, $limit: Int)",
            "runsOrError(filter: $filter, limit: $limit)", "Runs", """
      results { runId jobName status creationTime startTime endTime tags { key value } }
    """)

# ``full: false`` leaves out what grows with the run's partitions (its materializations).
RUN = _one("query($runId: ID!, $full: Boolean = true)", "runOrError(runId: $runId)", "Run", """
      runId jobName status creationTime startTime endTime
      tags { key value }
      stats {
        __typename
        ... on RunStatsSnapshot {
          enqueuedTime launchTime startTime endTime materializations stepsSucceeded stepsFailed
        }
      }
      ... @include(if: $full) {
        runConfigYaml
        assetSelection { path }
        assetMaterializations { assetKey { path } partition }
      }
    """)

RUN_EVENTS = _one("query($runId: ID!)", "runOrError(runId: $runId)", "Run", """
      eventConnection(limit: 10000) {
        events {
          __typename
          ... on MessageEvent { message }
          ... on ExecutionStepFailureEvent { stepKey error { message } }
          ... on RunFailureEvent { error { message } }
          ... on EngineEvent { error { message } }
        }
      }
    """)

SENSOR = _one("query($selector: SensorSelector!)", "sensorOrError(sensorSelector: $selector)",
              "Sensor", """
      name
      minIntervalSeconds
      sensorState {
        id
        status
        ticks(limit: 100) {
          tickId status timestamp endTimestamp runIds skipReason
          error { message }
          dynamicPartitionsRequestResults {
            partitionsDefName partitionKeys skippedPartitionKeys type
          }
        }
      }
    """)

STOP_SENSOR = _one("mutation($id: String)", "stopSensor(id: $id)", "StopSensorMutationResult",
                   " instigationState { status } ")

SENSOR_DRY_RUN = _one("mutation($selector: SensorSelector!, $cursor: String)",
                      "sensorDryRun(selectorData: $selector, cursor: $cursor)",
                      "DryRunInstigationTick", """
      evaluationResult {
        skipReason cursor
        runRequests { runKey jobName }
        error { message }
      }
    """)

PARTITIONS = _one("query($key: AssetKeyInput!)", "assetNodeOrError(assetKey: $key)",
                  "AssetNode", """
      partitionKeys
      assetPartitionStatuses {
        __typename
        ... on DefaultPartitionStatuses {
          materializedPartitions failedPartitions unmaterializedPartitions materializingPartitions
        }
      }
    """)

CHECKS = _one("query($key: AssetKeyInput!)", "assetNodeOrError(assetKey: $key)", "AssetNode", """
      assetChecksOrError {
        __typename
        ... on AssetChecks {
          checks {
            name description
            partitionStatuses {
              __typename
              ... on AssetCheckDefaultPartitionStatuses {
                succeededPartitions failedPartitions inProgressPartitions skippedPartitions
                executionFailedPartitions
              }
            }
          }
        }
      }
    """)

MATERIALIZATIONS = _one("query($key: AssetKeyInput!, $limit: Int)", "assetOrError(assetKey: $key)",
                        "Asset", """
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
    """)

BACKFILLS = _one("query", "partitionBackfillsOrError(limit: 100)", "PartitionBackfills",
                 " results { id status creationTime } ")

# ``full: false`` is the light poll: nothing that grows with the backfill's partitions.
BACKFILL = _one("query($id: String!, $full: Boolean = true)",
                "partitionBackfillOrError(backfillId: $id)", "PartitionBackfill", """
      id status timestamp endTimestamp numPartitions
      error { message }
      runs {
        runId status jobName creationTime startTime endTime
        ... @include(if: $full) {
          tags { key value }
          assetMaterializations { assetKey { path } partition }
        }
      }
      ... @include(if: $full) { partitionNames assetSelection { path } }
    """)

LAUNCH_RUN = _one("mutation($params: ExecutionParams!)", "launchRun(executionParams: $params)",
                  "LaunchRunSuccess", " run { runId } ",
                  "    ... on RunConfigValidationInvalid { errors { message } }\n")

# The mutation of the UI (ui-core/src/instance/backfill/BackfillUtils.tsx).
LAUNCH_BACKFILL = _one(
    "mutation LaunchPartitionBackfill($backfillParams: LaunchBackfillParams!)",
    "launchPartitionBackfill(backfillParams: $backfillParams)", "LaunchBackfillSuccess",
    " backfillId ", """\
    ... on InvalidStepError { invalidStepKey }
    ... on InvalidOutputError { stepKey invalidOutputName }
    ... on RunConfigValidationInvalid { pipelineName errors { message path reason } }
    ... on PythonError { stack }
""")
