"""The floor of a collection: the earliest moment its last request could leave.

Given only the rate limits and how many requests the collection made, with the provider's
windows as the simulator keeps them (fixed windows, each starting with the first request after
the previous one ended: ``simulator.ratelimit``), the requests leave as early as the windows
let them; the floor is when the last one does, counted from the first. No collection can end
before it, whatever its polling; ``wall / floor`` is how close a run came.
"""

from __future__ import annotations

PROVIDER_LIMITS = ((60, 60.0), (1000, 3600.0))  # (requests, provider seconds) per window


def floor_s(requests: int, *, time_scale: float = 1.0,
            limits: tuple[tuple[int, float], ...] = PROVIDER_LIMITS) -> float:
    """Seconds (on the scaled clock) from the first request to the earliest moment the last
    of ``requests`` could leave; 0 when they all fit the first windows."""
    starts = [None] * len(limits)
    counts = [0] * len(limits)
    t = 0.0
    for _ in range(requests):
        while True:  # the earliest moment every window has room
            blocked = [start + length for (limit, length), start, count
                       in zip(limits, starts, counts)
                       if start is not None and t < start + length and count >= limit]
            if not blocked:
                break
            t = max(blocked)
        for i, (_, length) in enumerate(limits):
            if starts[i] is None or t >= starts[i] + length:
                starts[i], counts[i] = t, 0
            counts[i] += 1
    return t * time_scale
