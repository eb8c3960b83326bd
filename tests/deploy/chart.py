"""The Dagster chart's view of deploy/helm/values.yaml, without Helm: what these tests check.

- ``chart_values()``: the chart's defaults (deploy/helm/schema/chart-values.yaml) merged with our
  values as Helm merges them (maps key by key, a list or scalar replaces, ``null`` removes);
  ``subchart_values()`` the same for the dagster-user-deployments subchart.
- ``validator()``: the chart's own ``values.schema.json``, vendored. Its ``$ref``s into the
  public Kubernetes JSON schemas cannot be fetched here (no network); they resolve to an empty,
  accept-anything schema and are recorded in ``REMOTE_REFS``, and the Kubernetes objects they
  describe (env, volumes, resources) are checked with the kubernetes client's models instead.

What the chart renders from these values (the instance, the run pods' container context) is in
``tests/deploy/rendering.py``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
HELM = ROOT / "deploy" / "helm"
SCHEMA = HELM / "schema"
VALUES = HELM / "values.yaml"
SUBCHART = "dagster-user-deployments"
RELEASE, NAMESPACE = "dagster", "social-graph"

REMOTE_REFS: set[str] = set()

# Every variable the code reads that a deployment must set (resources/settings.py,
# resources/nyne_api.py, resources/postgres.py, resources/target_list.py, dbt/profiles.yml),
# and which of them are secrets.
REQUIRED_ENV = {
    "SOCIAL_DATA_DIR", "SOCIAL_STATE_DIR", "SOCIAL_DBT_TARGET", "SOCIAL_PG_HOST", "SOCIAL_PG_PORT",
    "SOCIAL_PG_USER", "SOCIAL_PG_DB", "SOCIAL_PG_SCHEMA", "SOCIAL_PG_PASSWORD", "NYNE_API_KEY",
    "NYNE_API_SECRET", "SOCIAL_LEDGER_URL", "SOCIAL_RATE_LIMIT_URL", "SOCIAL_CALLBACK_BASE_URL",
    "SOCIAL_CALLBACK_TOKEN", "SOCIAL_TARGETS_FILE",
}
SECRET_ENV = {"SOCIAL_PG_PASSWORD", "NYNE_API_KEY", "NYNE_API_SECRET", "SOCIAL_LEDGER_URL",
              "SOCIAL_RATE_LIMIT_URL", "SOCIAL_CALLBACK_TOKEN"}
# The object store's credentials, from their own Secret (absent with IRSA / workload identity).
OBJECT_STORE_ENV = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_S3"}


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def merge(defaults: Any, overrides: Any) -> Any:
    """Helm's coalescing of a chart's defaults with user values."""
    if not (isinstance(defaults, dict) and isinstance(overrides, dict)):
        return copy.deepcopy(overrides)
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge(merged.get(key), value)
    return merged


def our_values() -> dict:
    return load_yaml(VALUES)


def chart_values(values: dict | None = None) -> dict:
    return merge(load_yaml(SCHEMA / "chart-values.yaml"), our_values() if values is None else values)


def subchart_values(merged: dict) -> dict:
    """The subchart's values: its defaults, our section of the parent, the parent's globals."""
    defaults = load_yaml(SCHEMA / f"{SUBCHART}.chart-values.yaml")
    values = merge(defaults, merged[SUBCHART])
    values["global"] = merge(defaults.get("global", {}), merged["global"])
    return values


class _Anything(dict):
    """A document in which every JSON pointer leads to an empty (accept-anything) schema."""

    def __getitem__(self, key):
        return _Anything()


def _retrieve(uri: str) -> Resource:
    REMOTE_REFS.add(uri)
    return Resource(contents=_Anything(), specification=DRAFT202012)


def validator(schema_file: str = "values.schema.json") -> Draft202012Validator:
    schema = json.loads((SCHEMA / schema_file).read_text())
    return Draft202012Validator(schema, registry=Registry(retrieve=_retrieve))


def errors(values: dict, schema_file: str = "values.schema.json") -> list[str]:
    """Every schema violation, as ``path: message``."""
    found = validator(schema_file).iter_errors(values)
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in found)
