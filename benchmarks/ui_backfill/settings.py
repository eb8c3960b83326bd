"""What the benchmark measures with: sizes, the simulator's time scale, the targets of the
report, the guards, and the client settings scaled like the simulator."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
RESULTS = PROJECT / "benchmarks" / "UI_BACKFILL.md"
RAW = Path(__file__).resolve().parent / "last_run.json"
ASSETS = ("followers", "following")
PARTITIONS_DEF = "accounts"
DEFAULT_SIZES = (500, 1000)
QUICK_SIZES = (50, 100)
# 1 provider hour = 18 s: N = 1000 lookups (>= 2,000 requests) take a few hour windows.
DEFAULT_TIME_SCALE = 0.005
TARGET_PER_PARTITION_S = 0.05  # the issue: at most this much per partition beyond the API
# "A fixed cost that grows with N": the fixed phases (daemon tick waits excluded) may differ by
# at most this much between the smallest and the largest N (fitted), else it is growing.
FIXED_GROWTH_TOLERANCE_S = 1.0
FIXED_GROWTH_TOLERANCE_SHARE = 0.10
# The backfill daemon evaluates backfills every 30 s (dagster/_daemon/backfill.py,
# DEFAULT_DAEMON_INTERVAL_SECONDS, not configurable): a backfill waits 0-30 s for the evaluation
# that starts it and 0-30 s, after its run, for the one that completes it; 15 s on average.
TICK_MEAN_S = 15.0
# Guards, not paces: a lookup may wait for a whole (scaled) hour window before its next poll.
LOOKUP_TIMEOUT_S = 600.0
READY_DEADLINE_S = 600.0
BACKFILL_DEADLINE_S = 3600.0
POLL_S = 0.5
API_PATH = "/person/interactions"


def nyne_config(scale: float) -> dict[str, float]:
    """The ``nyne`` resource settings scaled like the simulator (field names of NyneApi)."""
    return {
        "minute_window_s": 60.0 * scale,
        "hour_window_s": 3600.0 * scale,
        "poll_interval_s": 2.0 * scale,
        "poll_max_interval_s": 30.0 * scale,
        "retry_base_s": 1.0 * scale,
        "retry_max_s": 60.0 * scale,
        "lookup_timeout_s": LOOKUP_TIMEOUT_S,
    }
