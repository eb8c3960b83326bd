"""deploy/k8s/callback-receiver.yaml as the kubernetes client's models read it, and the image
(Dockerfile) the chart and the manifests run."""

import argparse
import json
import re
from urllib.parse import urlsplit

import pytest
import yaml
from kubernetes import client

from dagster_k8s.models import k8s_model_from_dict, k8s_snake_case_dict
from resources.callbacks.urls import ROUTE
from social_graph.cli import receive
from tests.deploy import chart, rendering

MANIFEST = chart.ROOT / "deploy" / "k8s" / "callback-receiver.yaml"
MODELS = {"Deployment": client.V1Deployment, "Service": client.V1Service,
          "Ingress": client.V1Ingress}


def parse(doc: dict):
    """The kubernetes model of a manifest document; unknown keys anywhere are an error."""
    model = MODELS[doc["kind"]]
    return k8s_model_from_dict(model, k8s_snake_case_dict(model, doc))


@pytest.fixture(scope="module")
def objects():
    docs = list(yaml.safe_load_all(MANIFEST.read_text()))
    return {doc["kind"]: parse(doc) for doc in docs}


@pytest.fixture(scope="module")
def values_env():
    (deployment,) = chart.our_values()["dagster-user-deployments"]["deployments"]
    return deployment, {e["name"]: e for e in deployment["env"]}


def test_a_misspelt_field_is_refused_by_the_model():
    doc = next(yaml.safe_load_all(MANIFEST.read_text()))
    doc["spec"]["template"]["spec"]["containers"][0]["envv"] = []
    with pytest.raises(Exception, match="envv"):
        parse(doc)


def test_the_receiver_runs_our_command_from_our_image(objects, values_env):
    deployment, _ = values_env
    pod = objects["Deployment"].spec.template.spec
    (container,) = pod.containers
    assert container.image == rendering.image_name(deployment)
    assert container.command[0] == "social-graph"
    # The flags are the real CLI's: argparse refuses one it does not know.
    parser = argparse.ArgumentParser()
    receive.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(container.command[1:])
    assert (args.command, args.host) == ("receive", "0.0.0.0")
    assert {p.container_port for p in container.ports} == {args.port}
    assert pod.security_context.run_as_non_root is True


def test_the_receiver_reads_only_its_two_secrets_from_the_secret(objects, values_env):
    _, env = values_env
    (container,) = objects["Deployment"].spec.template.spec.containers
    assert not container.env_from
    found = {e.name: e for e in container.env}
    assert set(found) == {"SOCIAL_CALLBACK_TOKEN", "SOCIAL_LEDGER_URL"}
    for name, item in found.items():
        assert item.value is None
        ref = item.value_from.secret_key_ref
        assert (ref.name, ref.key) == ("social-graph", name)
        # The runs read the same keys of the same Secret: one token, one ledger.
        assert env[name]["valueFrom"]["secretKeyRef"] == {"name": ref.name, "key": ref.key}


def test_the_service_and_ingress_reach_the_callback_route_at_the_public_url(objects, values_env):
    _, env = values_env
    deployment, service, ingress = (objects[k] for k in ("Deployment", "Service", "Ingress"))
    labels = deployment.spec.template.metadata.labels
    assert deployment.spec.selector.match_labels.items() <= labels.items()
    assert service.spec.selector.items() <= labels.items()
    (container,) = deployment.spec.template.spec.containers
    (port,) = service.spec.ports
    assert port.target_port in {p.name for p in container.ports}
    base = urlsplit(env["SOCIAL_CALLBACK_BASE_URL"]["value"])
    assert base.scheme == "https"
    (rule,) = ingress.spec.rules
    assert rule.host == base.hostname
    assert base.hostname in ingress.spec.tls[0].hosts
    (path,) = rule.http.paths
    assert path.path == ROUTE and path.path_type == "Prefix"
    assert path.backend.service.name == service.metadata.name


def _dockerfile() -> str:
    return (chart.ROOT / "Dockerfile").read_text()


def test_the_image_serves_what_the_chart_runs(values_env):
    deployment, _ = values_env
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", _dockerfile(), re.M).group(1))
    # The chart's user-deployment container args (dagster-user-deployments deployment-user.yaml).
    assert cmd == ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", str(deployment["port"]),
                   *deployment["dagsterApiGrpcArgs"]]
    workspace = yaml.safe_load((chart.ROOT / "workspace.yaml").read_text())
    module = workspace["load_from"][0]["python_module"]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", module["module_name"],
                                                "-a", module["attribute"]]
    assert re.search(r"^FROM python:3\.11-slim$", _dockerfile(), re.M)
    (user,) = re.findall(r"^USER (\d+)$", _dockerfile(), re.M)
    assert deployment["podSecurityContext"]["runAsUser"] == int(user) != 0


def test_the_image_copies_every_package_and_builds_with_the_shared_step():
    import tomllib

    text = _dockerfile()
    copied = set()
    for line in re.findall(r"^COPY (.+)$", text, re.M):
        copied.update(line.split()[:-1])
    project = tomllib.loads((chart.ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert packages | {"pyproject.toml", project["project"]["readme"], "dbt",
                       "deploy/image_build.sh"} <= copied
    for source in copied:
        assert (chart.ROOT / source).exists(), source
    ignored = {line.strip() for line in (chart.ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert not copied & ignored
    assert re.findall(r"^RUN (.+)$", text, re.M)[0] == "deploy/image_build.sh /opt/venv python"
