"""deploy/helm/values.yaml against the Dagster chart's own values.schema.json (vendored), and
its secrets: every one comes from a Kubernetes Secret, none is written in the file."""

import re

import pytest

from tests.deploy import chart, rendering
from tests.deploy.chart import OBJECT_STORE_ENV, REQUIRED_ENV, SECRET_ENV

# Keys whose value would be a secret wherever they appear in the values.
SECRET_KEY = re.compile(r"(password|secret|token|api_?key|credential)", re.I)


@pytest.fixture(scope="module")
def merged():
    return chart.chart_values()


@pytest.fixture(scope="module")
def deployment(merged):
    (only,) = merged["dagster-user-deployments"]["deployments"]
    return only


def test_the_values_merged_with_the_chart_defaults_pass_the_chart_schema(merged):
    assert chart.errors(merged) == []
    # The only part taken on trust: the Kubernetes object shapes the schema points to online.
    assert {uri.split("/master/")[0] for uri in chart.REMOTE_REFS} <= {
        "https://raw.githubusercontent.com/yannh/kubernetes-json-schema"}


def test_the_subchart_values_pass_the_subchart_schema(merged):
    values = chart.subchart_values(merged)
    assert chart.errors(values, "dagster-user-deployments.values.schema.json") == []
    assert [d["name"] for d in values["deployments"]] == ["social-graph"]


@pytest.mark.parametrize("path, wrong, message", [
    (("dagster-user-deployments", "deployments", 0, "port"), "3030", "is not of type 'integer'"),
    (("runLauncher", "type"), "K8sRunLaunchr", "is not one of"),
    (("concurrency", "pools", "defaultLimit"), "one", "is not valid under any of the given schemas"),
    # A misspelt key where the chart forbids extra keys (the anyOf around it reports it so).
    (("dagsterDaemon", "runCoordinator", "config", "queuedRunCoordinator", "maxConcurent"), 3,
     "'maxConcurent': 3} is not valid under any of the given schemas"),
    (("concurrency", "pools", "defaultLmit"), 1, "('defaultLmit' was unexpected)"),
    (("telemetry", "enabled"), "no", "is not of type 'boolean'"),
])
def test_a_wrong_value_is_rejected_by_the_same_schema(path, wrong, message):
    values = chart.our_values()
    node = values
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = wrong
    found = chart.errors(chart.chart_values(values))
    assert any(message in line for line in found), found


def test_a_deployment_without_its_port_is_rejected_by_the_subchart_schema(merged):
    values = chart.subchart_values(merged)
    del values["deployments"][0]["port"]
    found = chart.errors(values, "dagster-user-deployments.values.schema.json")
    assert found == ["deployments/0: 'port' is a required property"]


def test_the_code_location_is_our_image_serving_definitions_defs(deployment):
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "social_graph.definitions", "-a", "defs"]
    assert deployment["port"] == 3030
    assert deployment["image"]["tag"] not in (None, "latest")
    assert deployment["includeConfigInLaunchedRuns"] == {"enabled": True}


def test_every_setting_the_code_reads_is_set_and_every_secret_comes_from_a_secret(deployment):
    env = {item["name"]: item for item in deployment["env"]}
    assert REQUIRED_ENV <= set(env), REQUIRED_ENV - set(env)
    for name in SECRET_ENV:
        assert "value" not in env[name], name
        assert env[name]["valueFrom"]["secretKeyRef"]["key"] == name
    for name in OBJECT_STORE_ENV:
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "social-graph-object-store", "key": name, "optional": True}
    for name, item in env.items():
        if name not in SECRET_ENV | OBJECT_STORE_ENV:
            assert set(item) == {"name", "value"}, item
    # envSecrets reach the run pods by name only, losing `optional`: none is used.
    assert not deployment.get("envSecrets")
    assert env["SOCIAL_DBT_TARGET"]["value"] == "postgres"
    assert env["SOCIAL_DATA_DIR"]["value"].startswith("s3://")
    assert "NYNE_BASE_URL" not in env  # the real API: https://api.nyne.ai


def _literal_secrets(node, path=()):
    """(path, value) of every non-empty string under a key that names a secret."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and value and SECRET_KEY.search(str(key)):
                yield path + (key,), value
            yield from _literal_secrets(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, dict) and "value" in value and SECRET_KEY.search(
                    str(value.get("name", ""))):
                yield path + (i,), value["value"]
            yield from _literal_secrets(value, path + (i,))


def literal_secrets(values) -> dict:
    """Secret values written in ``values``; the names of Secrets are references, not values."""
    return {p: v for p, v in _literal_secrets(values)
            if p[-1] not in ("postgresqlSecretName", "name")}


def test_no_secret_value_is_written_in_the_values():
    values = chart.our_values()
    assert literal_secrets(values) == {}
    assert values["generatePostgresqlPasswordSecret"] is False
    assert values["postgresql"]["postgresqlPassword"] == ""


def test_the_secret_check_catches_a_literal_secret():
    values = chart.our_values()
    values["dagster-user-deployments"]["deployments"][0]["env"].append(
        {"name": "NYNE_API_SECRET", "value": "sk-live-123"})
    values["postgresql"]["postgresqlPassword"] = "hunter2"
    found = literal_secrets(values)
    assert set(found.values()) == {"sk-live-123", "hunter2"}


def test_the_instance_settings_the_chart_renders(merged):
    instance = rendering.render_instance(merged)
    assert instance["concurrency"] == {
        "pools": {"default_limit": 1, "granularity": "op"},
        "runs": {"max_concurrent_runs": 8,
                 "tag_concurrency_limits": [{"key": "dagster/backfill", "limit": 4}]}}
    assert instance["run_monitoring"]["free_slots_after_run_end_seconds"] == 60
    assert instance["telemetry"] == {"enabled": False}
    # The run queue's own limits would clash with the concurrency block: the chart fails then.
    assert not {"max_concurrent_runs", "tag_concurrency_limits"} & set(
        instance["run_coordinator"]["config"])
    storage = instance["run_storage"]["config"]["postgres_db"]
    assert storage["password"] == {"env": "DAGSTER_PG_PASSWORD"}


def test_backfills_are_planned_with_one_event_per_asset_where_they_are_launched(merged):
    for component in ("dagsterWebserver", "dagsterDaemon"):
        env = {e["name"]: e["value"] for e in merged[component]["env"]}
        assert env["DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"] == "true", component


def test_the_readme_creates_every_secret_key_the_deployment_reads(deployment):
    readme = (chart.ROOT / "README.md").read_text()
    section = readme[readme.index("## Deploying"):readme.index("## Dagster instance")]
    for item in deployment["env"]:
        ref = item.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            assert f"--from-literal={ref['key']}=" in section, ref
    assert "secret generic dagster-postgresql-secret" in section
    assert "--from-literal=postgresql-password=" in section
