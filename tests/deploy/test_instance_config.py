"""The production instance configs, loaded by Dagster (with dagster-k8s) on the real PostgreSQL:
deploy/dagster.yaml, and the dagster.yaml the chart renders from deploy/helm/values.yaml, whose
K8sRunLauncher is built and asked to launch a run (the Job it would submit is kept, not sent)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import dagster as dg
from dagster._config import process_config
from dagster._core.code_pointer import ModuleCodePointer
from dagster._core.errors import DagsterInvalidConfigError
from dagster._core.execution.plan.instance_concurrency_context import (
    InstanceConcurrencyContext,
)
from dagster._core.instance.config import PoolGranularity
from dagster._core.launcher import DefaultRunLauncher, LaunchRunContext
from dagster._core.origin import JobPythonOrigin, RepositoryPythonOrigin
from dagster._core.storage.dagster_run import DagsterRun
from dagster._core.utils import make_new_run_id
from dagster_k8s import K8sRunLauncher
from social_assets.lookups import API_POOL
from social_assets.warehouse import WAREHOUSE_POOL
from tests.deploy import chart, rendering
from tests.deploy.chart import REQUIRED_ENV, SECRET_ENV
from tests.postgres import scratch_database

ROOT = chart.ROOT
# The one step after install that dagster.yaml cannot express (README.md, "Deploying").
POOL_COMMAND = ["dagster", "instance", "concurrency", "set", API_POOL, "3"]
# What the chart sets in the daemon's and webserver's pods, for the launcher's config.
CHART_ENV = {"DAGSTER_HOME": "/opt/dagster/dagster_home",
             "DAGSTER_K8S_INSTANCE_CONFIG_MAP": f"{chart.RELEASE}-instance",
             "DAGSTER_K8S_PG_PASSWORD_SECRET": "dagster-postgresql-secret",
             "DAGSTER_K8S_PIPELINE_RUN_ENV_CONFIGMAP": f"{chart.RELEASE}-pipeline-env"}


@pytest.fixture
def pg():
    with scratch_database() as database:
        yield database


def _pg_env(pg) -> dict[str, str]:
    return {"DAGSTER_PG_HOST": pg.host, "DAGSTER_PG_PORT": str(pg.port),
            "DAGSTER_PG_USER": pg.user, "DAGSTER_PG_PASSWORD": "", "DAGSTER_PG_DB": pg.dbname}


def _home(tmp_path: Path, config: dict | None = None) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    if config is None:
        shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    else:
        (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    return home


def test_the_production_instance_loads_on_postgres_with_its_pools_and_monitoring(
        pg, tmp_path, monkeypatch):
    for name, value in _pg_env(pg).items():
        monkeypatch.setenv(name, value)
    home = _home(tmp_path)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert isinstance(instance.run_launcher, DefaultRunLauncher)
        concurrency = instance.get_concurrency_config()
        assert concurrency.pool_config.default_pool_limit == 1
        assert concurrency.pool_config.pool_granularity == PoolGranularity.OP
        assert concurrency.run_queue_config.max_concurrent_runs == 8
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] == 60
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 1
        assert not instance.telemetry_enabled

    # The pool step of README.md, on this instance, by the real CLI; then steps claim slots as a
    # run's steps do: three nyne_api steps at once, one warehouse step (never set: the default).
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    done = subprocess.run([str(Path(sys.executable).with_name("dagster")), *POOL_COMMAND[1:]],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.add_run(DagsterRun(job_name="accounts_job", run_id=make_new_run_id()))
        with InstanceConcurrencyContext(instance, run) as slots:
            assert [slots.claim(API_POOL, f"lookup_{i}") for i in range(4)] == [
                True, True, True, False]
            assert [slots.claim(WAREHOUSE_POOL, f"build_{i}") for i in range(2)] == [True, False]
        limits = {p.name: (p.limit, p.from_default)
                  for p in instance.event_log_storage.get_pool_limits()}
        assert limits == {API_POOL: (3, False), WAREHOUSE_POOL: (1, True)}


def test_a_missing_database_setting_is_named(tmp_path, monkeypatch):
    for name in ("DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD",
                 "DAGSTER_PG_DB"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(DagsterInvalidConfigError, match="DAGSTER_PG_HOST"):
        dg.DagsterInstance.from_config(str(_home(tmp_path)))


@pytest.fixture(scope="module")
def rendered():
    return rendering.render_instance(chart.chart_values())


def test_the_charts_run_launcher_config_passes_k8s_run_launchers_schema(rendered, monkeypatch):
    for name, value in CHART_ENV.items():
        monkeypatch.setenv(name, value)
    launcher = rendered["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    result = process_config(K8sRunLauncher.config_type(), launcher["config"])
    assert result.success, [e.message for e in result.errors]
    assert result.value["job_namespace"] == chart.NAMESPACE
    assert result.value["instance_config_map"] == f"{chart.RELEASE}-instance"

    wrong = {**launcher["config"], "image_pull_policy": 3, "fail_pod_on_run_faliure": True}
    result = process_config(K8sRunLauncher.config_type(), wrong)
    assert not result.success
    messages = " ".join(e.message for e in result.errors)
    assert "fail_pod_on_run_faliure" in messages and "image_pull_policy" in messages


class _RecordingKubernetes:
    """Stands in for the Kubernetes API: keeps the Jobs the launcher submits."""

    def __init__(self):
        self.jobs = []

    def create_namespaced_job_with_retries(self, body, namespace):
        self.jobs.append((namespace, body))


def _kubeconfig(path: Path) -> Path:
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "test",
        "clusters": [{"name": "test", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "test", "user": {"token": "not-a-real-token"}}],
        "contexts": [{"name": "test", "context": {"cluster": "test", "user": "test"}}]}))
    return path


def test_the_chart_instance_loads_and_its_launcher_builds_our_run_pod(
        pg, tmp_path, monkeypatch, rendered):
    for name, value in CHART_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", "")
    config = yaml.safe_load(yaml.safe_dump(rendered))
    # Only where to connect changes: this machine's PostgreSQL, a kubeconfig instead of the
    # in-cluster service account.
    for key in ("run_storage", "event_log_storage", "schedule_storage"):
        config[key]["config"]["postgres_db"].update(
            hostname=pg.host, port=pg.port, username=pg.user, db_name=pg.dbname)
    config["run_launcher"]["config"].update(
        load_incluster_config=False, kubeconfig_file=str(_kubeconfig(tmp_path / "kubeconfig")))
    merged = chart.chart_values()
    (deployment,) = merged["dagster-user-deployments"]["deployments"]
    context = rendering.code_location_container_context(merged, deployment)

    with dg.DagsterInstance.from_config(str(_home(tmp_path, config))) as instance:
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        launcher = instance.run_launcher
        assert isinstance(launcher, K8sRunLauncher)
        launcher._api_client = kubernetes = _RecordingKubernetes()
        origin = JobPythonOrigin("accounts_job", RepositoryPythonOrigin(
            sys.executable, ModuleCodePointer("social_graph.definitions", "defs"),
            rendering.image_name(deployment), ["dagster"], context))
        run = instance.add_run(DagsterRun(job_name="accounts_job", run_id=make_new_run_id(),
                                          job_code_origin=origin))
        launcher.launch_run(LaunchRunContext(dagster_run=run, workspace=None))

    ((namespace, job),) = kubernetes.jobs
    assert namespace == chart.NAMESPACE
    assert job.spec.ttl_seconds_after_finished == 86400
    pod = job.spec.template.spec
    (container,) = pod.containers
    assert container.image == "registry.example.com/social-graph:0.1.0"
    assert container.args[:3] == ["dagster", "api", "execute_run"]
    env = {e.name: e for e in container.env}
    assert REQUIRED_ENV <= set(env), REQUIRED_ENV - set(env)
    for name in SECRET_ENV | {"DAGSTER_PG_PASSWORD"}:
        assert env[name].value is None and env[name].value_from.secret_key_ref is not None, name
    assert env["DAGSTER_PG_PASSWORD"].value_from.secret_key_ref.name == "dagster-postgresql-secret"
    assert env["SOCIAL_DBT_TARGET"].value == "postgres"
    # A Secret the pod may lack is optional key by key (envFrom loses `optional` on the way).
    assert not [e for e in container.env_from or [] if e.secret_ref]
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_S3"):
        ref = env[name].value_from.secret_key_ref
        assert (ref.name, ref.key, ref.optional) == ("social-graph-object-store", name, True)
    mounts = {m.mount_path: m.name for m in container.volume_mounts}
    assert mounts["/etc/social-graph"] == "targets" and mounts["/var/lib/social-graph"] == "state"
    volumes = {v.name: v for v in pod.volumes}
    assert volumes["targets"].config_map.name == "social-graph-targets"
    assert volumes["state"].empty_dir is not None
    assert container.resources.limits["memory"] == "3Gi"
    assert container.security_context.allow_privilege_escalation is False
    assert pod.security_context.run_as_non_root is True


def test_the_readme_gives_the_pool_step():
    readme = (ROOT / "README.md").read_text()
    assert f"kubectl -n {chart.NAMESPACE} exec deploy/{chart.RELEASE}-daemon -- " + " ".join(
        POOL_COMMAND) in readme
