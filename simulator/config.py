"""The simulator's knobs: one dataclass, validated on creation and on every live update.

Every duration below is in *provider seconds*: the simulator multiplies it by `time_scale`
before use (`SimulatorConfig.scaled`), so a test can run a one-hour rate window in a second.
The one exception is `hang_s` (see its comment).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from simulator.renames import check_entries

ENTRY_SHAPES = ("flat", "actor")
COMPOUND_SHAPES = ("tagged", "split", "untagged")  # untagged: a shape no client can split
RESULTS_KEYS = ("interactions", "results")
CALLBACK_BODIES = ("envelope", "data")
TOTAL_COUNT_MODES = ("returned", "available")
PLATFORMS = ("twitter", "instagram")
# Large enough for `nasa` to have more than 1,000 followers on both platforms.
DEFAULT_WORLD_SIZE = {"twitter": 3000, "instagram": 2000}
# The notable accounts plus enough ordinary ones to follow them.
MIN_WORLD_SIZE = 50

# Knobs holding credentials: never echoed by /_sim/state or /_sim/config.
SECRET_FIELDS = frozenset({"api_key", "api_secret", "disabled_keys"})


@dataclass
class SimulatorConfig:
    """Behaviour of one simulated Nyne account and its API.

    Defaults reproduce the provider's documented figures (noted per field); knobs marked
    *choice* pick one behaviour where the contract says **unknown**.
    """

    # Credentials accepted by the API (header or query parameter), and keys answered with 403.
    api_key: str = "sim-key"
    api_secret: str = "sim-secret"
    disabled_keys: frozenset[str] = frozenset()

    # Multiplies every duration: latency, windows, Retry-After, callback backoff and timeout,
    # TTL, slow faults (not hang_s).
    time_scale: float = 1.0

    # Job duration range in seconds, drawn with the seeded RNG.
    latency_s: tuple[float, float] = (1.0, 4.0)
    # While true, no job ends: it stays queued/processing past its latency, and every due job
    # ends as soon as the hold is lifted. A test's barrier ("nothing lands until I say so"),
    # not something the provider does.
    hold_jobs: bool = False
    # Share of jobs that pass through the `pending` status while running.
    pending_rate: float = 0.25
    # Seconds a request_id stays pollable after the job ends (choice: the real TTL is unknown).
    result_ttl_s: float = 3600.0

    # Provider: 60 requests per minute and 1,000 per hour, fixed windows.
    rate_per_minute: int = 60
    rate_per_hour: int = 1000
    minute_window_s: float = 60.0
    hour_window_s: float = 3600.0

    # Monthly allocation; a positive balance is required before each submit (402 otherwise).
    initial_credits: int = 100_000
    # Provider: 3 credits per request that returns results, 0 for an empty result.
    credit_cost: int = 3

    # Probability that a job ends `failed` for no reason of the caller's.
    fail_rate: float = 0.0

    # Result shapes (choices among the variants third-party clients show).
    entry_shape: str = "flat"
    compound_shape: str = "tagged"
    results_key: str = "interactions"
    extra_fields: bool = True
    # Text a real API does send: every result's first row has a NUL in its bio, the second a
    # lone surrogate (an emoji cut in half, sent as the JSON escape \ud83d) in its display
    # name, the third a control character in its username; an account's followers list
    # holds the account itself.
    odd_text: bool = False
    total_count: str = "returned"

    # Callbacks. Provider: retried up to 5 times (1 s, 5 s, 15 s, 1 min, 5 min), 30 s per attempt.
    callback_body: str = "envelope"
    callback_retry_s: tuple[float, ...] = (1.0, 5.0, 15.0, 60.0, 300.0)
    callback_timeout_s: float = 30.0
    # URL prefixes a callback_url must start with; None means any http(s) URL is accepted.
    callback_allowlist: tuple[str, ...] | None = None
    # Faults for receivers (choices, off by default). Each acknowledged delivery of the final
    # payload is followed by this many exact re-deliveries, as when an acknowledgement is lost.
    callback_duplicates: int = 0
    # Out of order: a non-terminal "processing" payload is POSTed just before the final one, and
    # that stale payload once more right after the final payload's first attempt.
    callback_early_progress: bool = False

    # Random faults on /person/interactions (probabilities per request), all off by default.
    fault_rate_5xx: float = 0.0
    fault_rate_drop: float = 0.0
    fault_rate_slow: float = 0.0
    fault_rate_malformed: float = 0.0
    slow_s: float = 5.0
    # Retry-After sent by an injected "429" fault.
    fault_retry_after_s: float = 1.0
    # How long a "timeout" fault holds the connection before dropping it. NOT scaled: it must
    # outlast the client's own (unscaled) timeout; server.stop() cuts it short.
    hang_s: float = 10.0
    # Seeds the RNG behind latencies, random failures, faults and request ids.
    seed: int = 7

    # The synthetic world: seed and accounts per platform; epoch and churn make it change.
    world_seed: int = 42
    world_size: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WORLD_SIZE))
    epoch: int = 0
    churn: float = 0.05
    # "platform:username" -> p: that account's incoming follow edges persist and flip with
    # probability p per epoch instead of following `churn` (world.py, "persistent churn").
    churn_rates: dict[str, float] = field(default_factory=dict)
    # Handle changes: [{"platform", "from", "to", "epoch"}, ...]; from that epoch on the account
    # (same id) answers only under `to` (renames.py). Checked against the world by Simulation.
    renames: tuple[dict[str, Any], ...] = ()

    def __post_init__(self) -> None:
        self.disabled_keys = frozenset(self.disabled_keys)
        self.latency_s = tuple(float(x) for x in self.latency_s)  # type: ignore[assignment]
        self.callback_retry_s = tuple(float(x) for x in self.callback_retry_s)
        if self.callback_allowlist is not None:
            self.callback_allowlist = tuple(self.callback_allowlist)
        self.world_size = {**DEFAULT_WORLD_SIZE, **self.world_size}
        self.churn_rates = _churn_rates(self.churn_rates)
        self.renames = check_entries(self.renames, PLATFORMS)
        self._validate()

    def scaled(self, seconds: float) -> float:
        """A provider duration converted to simulator wall-clock seconds."""
        return seconds * self.time_scale

    def with_changes(self, **changes: Any) -> SimulatorConfig:
        """A validated copy with `changes` applied; ValueError names an unknown or bad knob."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown simulator knob(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **changes)

    def public_dict(self) -> dict[str, Any]:
        """The knobs as JSON-ready values, credentials left out."""
        out = {}
        for f in dataclasses.fields(self):
            if f.name in SECRET_FIELDS:
                continue
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def _validate(self) -> None:
        _one_of("entry_shape", self.entry_shape, ENTRY_SHAPES)
        _one_of("compound_shape", self.compound_shape, COMPOUND_SHAPES)
        _one_of("results_key", self.results_key, RESULTS_KEYS)
        _one_of("callback_body", self.callback_body, CALLBACK_BODIES)
        _one_of("total_count", self.total_count, TOTAL_COUNT_MODES)
        if self.time_scale <= 0:
            raise ValueError("time_scale must be positive")
        low, high = self.latency_s
        if not 0 <= low <= high:
            raise ValueError("latency_s must be (low, high) with 0 <= low <= high")
        for name in ("fail_rate", "pending_rate", "churn", "fault_rate_5xx", "fault_rate_drop",
                     "fault_rate_slow", "fault_rate_malformed"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        for name in ("rate_per_minute", "rate_per_hour", "credit_cost", "epoch",
                     "callback_duplicates"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer")
        for name in ("minute_window_s", "hour_window_s", "result_ttl_s", "callback_timeout_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        for name in ("callback_early_progress", "hold_jobs", "odd_text"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        unknown = set(self.world_size) - set(PLATFORMS)
        if unknown or any(n < MIN_WORLD_SIZE for n in self.world_size.values()):
            raise ValueError(f"world_size maps {PLATFORMS} to at least {MIN_WORLD_SIZE} accounts")


def _churn_rates(rates: Any) -> dict[str, float]:
    """`churn_rates` checked and normalised: lower-case "platform:username" -> float p."""
    if not isinstance(rates, dict):
        raise ValueError("churn_rates must map 'platform:username' to a probability")
    out: dict[str, float] = {}
    for key, p in rates.items():
        platform, sep, username = str(key).partition(":")
        if not isinstance(key, str) or not sep or not username.strip().lstrip("@"):
            raise ValueError(f"churn_rates entry {key!r}: key must be 'platform:username'")
        if platform not in PLATFORMS:
            raise ValueError(f"churn_rates entry {key!r}: unknown platform {platform!r} "
                             f"(one of {', '.join(PLATFORMS)})")
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"churn_rates entry {key!r}: probability must be between 0 and 1; "
                             f"got {p!r}")
        out[f"{platform}:{username.strip().lstrip('@').lower()}"] = float(p)
    return out


def _one_of(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
