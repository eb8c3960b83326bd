"""What the Dagster chart renders from the merged values, as we read its templates (not
``helm template``: there is no Helm here).

- ``render_instance()``: the dagster.yaml of ``templates/configmap-instance.yaml`` (storage, run
  launcher, run coordinator, concurrency, run monitoring, retries, telemetry).
- ``code_location_container_context()``: the container context the subchart gives
  ``dagster api grpc`` (``dagsterUserDeployments.k8sContainerContext``), which the
  K8sRunLauncher applies to every run pod of the code location.
"""

from __future__ import annotations

from typing import Any

from tests.deploy.chart import NAMESPACE, RELEASE, SUBCHART, subchart_values


def _pg_storage(pg: dict) -> dict:
    db = {"username": pg["postgresqlUsername"], "password": {"env": "DAGSTER_PG_PASSWORD"},
          "hostname": pg["postgresqlHost"], "db_name": pg["postgresqlDatabase"],
          "port": pg["service"]["port"]}
    if pg.get("postgresqlParams"):
        db["params"] = pg["postgresqlParams"]
    if pg.get("postgresqlScheme"):
        db["scheme"] = pg["postgresqlScheme"]
    return {"postgres_db": db}


def _k8s_run_launcher(values: dict) -> dict:
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    config = {
        "load_incluster_config": launcher["loadInclusterConfig"],
        "job_namespace": launcher.get("jobNamespace") or NAMESPACE,
        "image_pull_policy": launcher["imagePullPolicy"],
        "service_account_name": values["serviceAccount"]["name"] or RELEASE,
        "dagster_home": {"env": "DAGSTER_HOME"},
        "instance_config_map": {"env": "DAGSTER_K8S_INSTANCE_CONFIG_MAP"},
        "postgres_password_secret": {"env": "DAGSTER_K8S_PG_PASSWORD_SECRET"},
        "env_config_maps": [{"env": "DAGSTER_K8S_PIPELINE_RUN_ENV_CONFIGMAP"}]
        + [c["name"] for c in launcher["envConfigMaps"] if "name" in c],
    }
    if launcher.get("kubeconfigFile"):
        config["kubeconfig_file"] = launcher["kubeconfigFile"]
    optional = {"env_secrets": [s["name"] for s in launcher["envSecrets"] if "name" in s],
                "env_vars": launcher["envVars"], "volume_mounts": launcher["volumeMounts"],
                "volumes": launcher["volumes"], "labels": launcher.get("labels"),
                "resources": launcher.get("resources"),
                "fail_pod_on_run_failure": launcher.get("failPodOnRunFailure"),
                "security_context": launcher.get("securityContext")}
    config.update({k: v for k, v in optional.items() if v})
    k8s = launcher.get("runK8sConfig") or {}
    names = {"containerConfig": "container_config", "podSpecConfig": "pod_spec_config",
             "podTemplateSpecMetadata": "pod_template_spec_metadata",
             "jobSpecConfig": "job_spec_config", "jobMetadata": "job_metadata"}
    if k8s:
        config["run_k8s_config"] = {names[k]: v for k, v in k8s.items() if v}
    return {"module": "dagster_k8s", "class": "K8sRunLauncher", "config": config}


def _concurrency(values: dict) -> dict:
    block, rendered = values["concurrency"], {}
    pools = {"default_limit": block["pools"].get("defaultLimit"),
             "granularity": block["pools"].get("granularity"),
             "op_granularity_run_buffer": block["pools"].get("opGranularityRunBuffer")}
    runs = {"max_concurrent_runs": block["runs"].get("maxConcurrentRuns"),
            "tag_concurrency_limits": block["runs"].get("tagConcurrencyLimits")}
    if any(v is not None for v in pools.values()):
        rendered["pools"] = {k: v for k, v in pools.items() if v is not None}
    if any(v for v in runs.values()):
        rendered["runs"] = {k: v for k, v in runs.items() if v}
    return rendered


def render_instance(values: dict) -> dict:
    """The chart's dagster.yaml for these (merged) values; K8sRunLauncher only."""
    assert values["runLauncher"]["type"] == "K8sRunLauncher", values["runLauncher"]["type"]
    storage = _pg_storage(values["postgresql"])
    instance: dict[str, Any] = {
        "scheduler": {"module": "dagster.core.scheduler", "class": "DagsterDaemonScheduler"},
        "schedule_storage": {"module": "dagster_postgres.schedule_storage",
                             "class": "PostgresScheduleStorage", "config": storage},
        "run_launcher": _k8s_run_launcher(values),
        "run_storage": {"module": "dagster_postgres.run_storage", "class": "PostgresRunStorage",
                        "config": storage},
        "event_log_storage": {"module": "dagster_postgres.event_log",
                              "class": "PostgresEventLogStorage", "config": storage},
        "compute_logs": {"module": "dagster.core.storage.noop_compute_log_manager",
                         "class": "NoOpComputeLogManager"},
        "telemetry": {"enabled": values["telemetry"]["enabled"]},
    }
    daemon = values["dagsterDaemon"]
    coordinator = daemon["runCoordinator"]
    if daemon["enabled"] and coordinator["enabled"]:
        queued = coordinator["config"]["queuedRunCoordinator"]
        names = {"maxConcurrentRuns": "max_concurrent_runs",
                 "tagConcurrencyLimits": "tag_concurrency_limits",
                 "dequeueIntervalSeconds": "dequeue_interval_seconds",
                 "dequeueUseThreads": "dequeue_use_threads",
                 "dequeueNumWorkers": "dequeue_num_workers"}
        config = {names[k]: v for k, v in queued.items() if k in names and v not in (None, [])}
        instance["run_coordinator"] = {"module": "dagster.core.run_coordinator",
                                       "class": "QueuedRunCoordinator", "config": config}
    monitoring = daemon["runMonitoring"]
    if daemon["enabled"] and monitoring["enabled"]:
        names = {"enabled": "enabled", "startTimeoutSeconds": "start_timeout_seconds",
                 "cancelTimeoutSeconds": "cancel_timeout_seconds",
                 "maxRuntimeSeconds": "max_runtime_seconds",
                 "maxResumeRunAttempts": "max_resume_run_attempts",
                 "pollIntervalSeconds": "poll_interval_seconds",
                 "freeSlotsAfterRunEndSeconds": "free_slots_after_run_end_seconds"}
        instance["run_monitoring"] = {names[k]: v for k, v in monitoring.items()
                                      if k in names and v is not None}
    retries = daemon["runRetries"]
    if daemon["enabled"] and retries["enabled"]:
        instance["run_retries"] = {"enabled": True, "max_retries": retries.get("maxRetries") or 0}
        if retries.get("retryOnAssetOrOpFailure") is not None:
            instance["run_retries"]["retry_on_asset_or_op_failure"] = retries[
                "retryOnAssetOrOpFailure"]
    if values["concurrency"]["enabled"]:
        instance["concurrency"] = _concurrency(values)
    return instance


def subchart_fullname() -> str:
    """The subchart's ``dagster.fullname`` for release ``dagster``: the release name does not
    contain the chart's name (dagster-user-deployments), so it is ``<release>-<chart>``."""
    return f"{RELEASE}-{SUBCHART}"


def image_name(deployment: dict) -> str:
    return f"{deployment['image']['repository']}:{deployment['image']['tag']}"


def code_location_container_context(merged: dict, deployment: dict) -> dict:
    """The container context the subchart gives ``dagster api grpc`` for ``deployment`` when
    includeConfigInLaunchedRuns is on (its ``dagsterUserDeployments.k8sContainerContext``
    helper): what the K8sRunLauncher adds to each run pod of this code location."""
    values = subchart_values(merged)
    k8s: dict[str, Any] = {
        "image_pull_policy": deployment["image"]["pullPolicy"],
        "env_config_maps": [f"{subchart_fullname()}-{deployment['name']}-user-env"]
        + [c["name"] for c in deployment.get("envConfigMaps") or [] if "name" in c],
    }
    if values.get("imagePullSecrets"):
        k8s["image_pull_secrets"] = values["imagePullSecrets"]
    if deployment.get("envSecrets"):
        k8s["env_secrets"] = [s["name"] for s in deployment["envSecrets"] if "name" in s]
    for key, name in (("volumeMounts", "volume_mounts"), ("volumes", "volumes"),
                      ("labels", "labels"), ("resources", "resources"),
                      ("schedulerName", "scheduler_name")):
        if deployment.get(key):
            k8s[name] = deployment[key]
    k8s["namespace"] = NAMESPACE
    k8s["service_account_name"] = (values["global"].get("serviceAccountName")
                                   or values["serviceAccount"]["name"]
                                   or f"{subchart_fullname()}-user-deployments")
    if isinstance(deployment.get("env"), list) and deployment["env"]:
        k8s["env"] = deployment["env"]
    pod_spec = {}
    if deployment.get("sidecarContainers"):
        pod_spec["containers"] = deployment["sidecarContainers"]
    if deployment.get("initContainers"):
        pod_spec["init_containers"] = deployment["initContainers"]
    if pod_spec:
        k8s["run_k8s_config"] = {"pod_spec_config": pod_spec}
    return {"k8s": k8s}
