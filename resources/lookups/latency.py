"""How long a job takes, learnt from the jobs themselves, and so when to poll it.

At the provider's 1,000 requests an hour (polls count), the requests a lookup costs are the
collection's throughput: a poll that finds the job still running is a request wasted. So the
first poll of a job should come when the job is very likely done, and not before.

What a waited-for job tells us is an interval, not a number: it ended after the last poll that
found it running (``lo``; 0 when none did) and by the poll that found it ended (``hi``), both
counted from the start of the wait (right after the submit was answered and recorded). Taking
``hi`` as the job's duration would creep: a job first polled at 4 s "took" 4 s, so the next
first poll would come at 4 s or later, for ever. ``LatencyModel`` therefore estimates the
distribution from the intervals themselves (Turnbull's self-consistent estimate, on a grid of
at most ``_GRID`` steps), per kind of lookup (platform and interaction type: the provider's
latency may differ between them), from the newest ``max_samples`` intervals of that kind.

``schedule(kind)`` gives the offsets of a job's first polls: the estimate's ``quantiles``
(by default 98 %, 99.8 % and 99.98 %: two requests per lookup, rarely three), after which the
wait goes on with the client's own first interval and back-off. With fewer than
``min_samples`` intervals of the kind it gives nothing, and the wait polls as it always did
(first after ``poll_interval_s``, then backing off): a thin history never makes a poll earlier.
Pure computation: the intervals come from the run (``observe``) and from the ledger's database
(``resources.lookups.ledger.latencies``), where ``observe``'s caller keeps them.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np

DEFAULT_QUANTILES = (0.98, 0.998, 0.9998)
MAX_SAMPLES = 400  # the newest intervals per kind a fit uses (and a run reads from the ledger)
_GRID = 64  # grid steps over (0, longest hi]: the estimate's resolution
_ITERATIONS = 300
_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Observation:
    """One job that ended while we polled it: its duration was in ``(lo_s, hi_s]``."""

    kind: str  # lookup_kind(...): "twitter/followers,following"
    lo_s: float
    hi_s: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lo_s) and math.isfinite(self.hi_s)
                and 0 <= self.lo_s <= self.hi_s):
            raise ValueError(f"a latency observation needs 0 <= lo_s <= hi_s, got "
                             f"({self.lo_s!r}, {self.hi_s!r}] for {self.kind}")


def lookup_kind(platform: str, interaction_type: str) -> str:
    """The key latencies are learnt under."""
    return f"{platform}/{interaction_type}"


class LatencyModel:
    """The latency distribution per kind of lookup, and the poll schedule it implies.

    Thread-safe; a fit is cached per kind until ``refit_share`` more intervals came in."""

    def __init__(self, observations: Iterable[Observation] = (), *,
                 quantiles: tuple[float, ...] = DEFAULT_QUANTILES, min_samples: int = 20,
                 max_samples: int = MAX_SAMPLES, refit_share: float = 0.05) -> None:
        if not quantiles or any(not 0 < q < 1 for q in quantiles) or \
                list(quantiles) != sorted(quantiles):
            raise ValueError(f"quantiles must rise strictly inside (0, 1), got {quantiles!r}")
        if min_samples < 1 or max_samples < min_samples:
            raise ValueError(f"need 1 <= min_samples <= max_samples, got {min_samples}, "
                             f"{max_samples}")
        self.quantiles = tuple(quantiles)
        self.min_samples, self.max_samples = min_samples, max_samples
        self._refit_share = refit_share
        self._samples: dict[str, deque[Observation]] = {}
        self._fits: dict[str, tuple[int, tuple[float, ...]]] = {}  # kind -> (seen, offsets)
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()
        for observation in observations:
            self.observe(observation)

    def observe(self, observation: Observation) -> None:
        with self._lock:
            kind = observation.kind
            self._samples.setdefault(kind, deque(maxlen=self.max_samples)).append(observation)
            self._seen[kind] = self._seen.get(kind, 0) + 1

    def samples(self, kind: str) -> int:
        with self._lock:
            return len(self._samples.get(kind, ()))

    def schedule(self, kind: str) -> tuple[float, ...]:
        """Offsets (s from the start of the wait) of the job's first polls, rising; empty
        while the history of ``kind`` is thinner than ``min_samples``."""
        with self._lock:
            samples = list(self._samples.get(kind, ()))
            seen = self._seen.get(kind, 0)
            cached = self._fits.get(kind)
            if len(samples) < self.min_samples:
                return ()
            if cached is not None and seen - cached[0] < max(1, self._refit_share * len(samples)):
                return cached[1]
        offsets = _rising(estimate_quantiles([(o.lo_s, o.hi_s) for o in samples], self.quantiles))
        with self._lock:
            self._fits[kind] = (seen, offsets)
        return offsets


def estimate_quantiles(intervals: list[tuple[float, float]],
                       quantiles: tuple[float, ...]) -> tuple[float, ...]:
    """The ``quantiles`` of a duration known only to lie in each ``(lo, hi]``.

    The self-consistent (Turnbull) estimate on a grid of ``_GRID`` steps: both bounds are
    rounded to the nearest step (an exact value, lo == hi, is the step starting at it).
    Within a cell the mass is spread evenly."""
    top = max(hi for _, hi in intervals)
    if top <= 0:
        return tuple(0.0 for _ in quantiles)
    step = top / _GRID
    # Both bounds to the nearest step, so that intervals sharing an end still share it
    # (rounding them apart would make a sliver every interval covers, which takes all mass).
    lo = np.array([round(a / step) for a, _ in intervals])
    hi = np.maximum(np.array([round(b / step) for _, b in intervals]), lo + 1)
    edges = np.unique(np.concatenate([lo, hi, [0]]))  # grid indices bounding the cells
    starts, ends = edges[:-1], edges[1:]
    # covers[i, j]: observation i's interval holds cell j
    covers = (starts[None, :] >= lo[:, None]) & (ends[None, :] <= hi[:, None])
    mass = (ends - starts).astype(float)
    mass /= mass.sum()
    for _ in range(_ITERATIONS):
        weights = covers * mass
        weights /= weights.sum(axis=1, keepdims=True)
        new = weights.mean(axis=0)
        done = np.abs(new - mass).max() < _TOLERANCE
        mass = new
        if done:
            break
    cdf = np.concatenate([[0.0], np.cumsum(mass)])
    out = []
    for q in quantiles:
        j = int(min(np.searchsorted(cdf, q - 1e-12), len(cdf) - 1))
        j = max(j, 1)
        below, share = cdf[j - 1], mass[j - 1]
        fraction = 1.0 if share <= 0 else min(1.0, max(0.0, (q - below) / share))
        out.append(float((starts[j - 1] + fraction * (ends[j - 1] - starts[j - 1])) * step))
    return tuple(out)


def _rising(offsets: tuple[float, ...]) -> tuple[float, ...]:
    """Strictly rising offsets (equal quantiles, as when the mass sits in one cell, poll once)."""
    out: list[float] = []
    for offset in offsets:
        if not out or offset > out[-1] + 1e-9:
            out.append(offset)
    return tuple(out)


def polls_expected(offsets: tuple[float, ...], latencies: list[float],
                   fallback: Optional[list[float]] = None) -> float:
    """Mean polls a job of each of ``latencies`` costs under ``offsets`` then ``fallback``
    (more offsets): what a schedule costs, for tests and the benchmark's report."""
    times = list(offsets) + list(fallback or [])
    total = 0
    for latency in latencies:
        total += next((i + 1 for i, t in enumerate(times) if t >= latency), len(times) + 1)
    return total / len(latencies)
