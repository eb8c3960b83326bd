"""``collect``'s resource config: ``--time-scale``, a ``--config`` file and ``--set`` overrides.

    social-graph collect --with-simulator --time-scale 0.01 \\
        --config run_config.yaml --set nyne.max_concurrent_lookups=4

The result is the ``resources`` part of the runs' run config, exactly what the launchpad takes
(``{nyne: {config: {poll_interval_s: 1.0}}}``), so one file serves both. Later sources win:
the time scale's values, then the file, then each ``--set`` in order. Names are checked against
the code location's resources and their fields before any run starts (an error names the bad
one), and a credential is never taken as a value: run config is stored with the run, so the
API key and secret, the callback token and passwords come from the environment, or as
``{env: VARIABLE}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

# Fields whose value is a secret: accepted only as {env: VARIABLE}, never written in run config.
SECRET_FIELDS = frozenset({"api_key", "api_secret", "callback_token", "password", "pg_password"})
# A request's own round trip, and a lookup's guard, do not shrink with the clock: never scaled
# below these (s), or a loaded machine would time requests out that the API answered.
MIN_REQUEST_TIMEOUT_S = 5.0
MIN_LOOKUP_TIMEOUT_S = 60.0
# Each inbox or claim check is a database query: never more often than this (s).
MIN_CHECK_S = 0.02


class RunConfigError(ValueError):
    """Bad ``--config``/``--set``/``--time-scale`` input; the message names it."""


def time_scaled(scale: float) -> dict[str, Any]:
    """The ``nyne`` settings of a client on a clock running ``scale`` times the provider's:
    its rate windows and margin, polls, back-offs, timeouts and callback checks (the defaults
    of ``NyneApi`` times ``scale``). Empty at 1: the defaults stand."""
    if not scale > 0:
        raise RunConfigError(f"--time-scale must be a positive number, got {scale!r}")
    if scale == 1:
        return {}
    from resources.nyne_api import NyneApi

    fields = NyneApi.model_fields
    scaled = {name: fields[name].default * scale for name in (
        "minute_window_s", "hour_window_s", "poll_interval_s", "poll_max_interval_s",
        "retry_base_s", "retry_max_s", "callback_backstop_poll_s")}
    for name in ("inbox_check_s", "claim_wait_s"):
        scaled[name] = max(MIN_CHECK_S, fields[name].default * scale)
    scaled["rate_safety_margin_s"] = 1.0 * scale  # the default margin: 1 s per window
    scaled["request_timeout_s"] = max(MIN_REQUEST_TIMEOUT_S,
                                      fields["request_timeout_s"].default * scale)
    scaled["lookup_timeout_s"] = max(MIN_LOOKUP_TIMEOUT_S,
                                     fields["lookup_timeout_s"].default * scale)
    return {"nyne": {"config": scaled}}


def resource_config(resources: Mapping[str, Any], *, time_scale: float = 1.0,
                    config_file: str | None = None,
                    assignments: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """The runs' ``resources`` run config; ``resources`` are the code location's (name ->
    resource object), against which every name is checked."""
    out = time_scaled(time_scale)
    sources = []
    if config_file:
        sources.append((f"--config {config_file}", _read_file(Path(config_file))))
    sources += [(f"--set {a.partition('=')[0].strip()}", _assignment(a)) for a in assignments]
    for source, blocks in sources:
        for name, block in blocks.items():
            _check(resources, name, block, source=source)
        out = _merge(out, blocks)
    return out


def _read_file(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RunConfigError(f"--config {path}: cannot read it ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise RunConfigError(f"--config {path}: not YAML ({exc})") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict) or set(doc) - {"resources"}:
        raise RunConfigError(f"--config {path}: expected a mapping with one key, 'resources' "
                             "(as in the launchpad: resources: {nyne: {config: {...}}})")
    blocks = doc.get("resources") or {}
    if not isinstance(blocks, dict):
        raise RunConfigError(f"--config {path}: 'resources' must be a mapping of resource names")
    return blocks


def _assignment(text: str) -> dict[str, Any]:
    key, sep, raw = text.partition("=")
    resource, dot, field = key.strip().partition(".")
    if not sep or not dot or not resource or not field or "." in field:
        raise RunConfigError(f"--set {text!r}: expected RESOURCE.FIELD=VALUE, e.g. "
                             "nyne.poll_interval_s=1")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        raise RunConfigError(f"--set {key}: its value is not a YAML scalar or mapping") from None
    return {resource: {"config": {field: value}}}


def _check(resources: Mapping[str, Any], name: str, block: Any, *, source: str) -> None:
    if name not in resources:
        raise RunConfigError(f"{source}: no resource {name!r} (the code location has "
                             f"{', '.join(sorted(resources))})")
    if not isinstance(block, dict) or set(block) - {"config"} or \
            not isinstance(block.get("config", {}), dict):
        raise RunConfigError(f"{source}: resources.{name} must be {{config: {{FIELD: VALUE}}}}")
    fields = getattr(type(resources[name]), "model_fields", {})
    for field, value in block.get("config", {}).items():
        if field not in fields:
            raise RunConfigError(f"{source}: {name} has no setting {field!r} (it has "
                                 f"{', '.join(sorted(fields))})")
        if field in SECRET_FIELDS and not _is_env(value):
            raise RunConfigError(f"{source}: {name}.{field} is a secret and run config is "
                                 "stored with the run: give it as {env: VARIABLE}, or set its "
                                 "variable in the environment")


def _is_env(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"env"} and isinstance(value["env"], str)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
