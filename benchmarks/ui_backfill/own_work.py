"""The project's own per-key work, replayed without Dagster or HTTP."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class OwnWork:
    """The project's own per-key work without Dagster or HTTP, replayed from the run's
    landing archive: the ledger transactions, landing (gzip + fsync), reading it back, the
    Parquet snapshots, as ``DurableLookups.fetch`` and ``collect_partitions`` do per key."""

    keys: int
    ledger_s: list[float]
    land_s: list[float]
    snapshots_s: list[float]

    def total(self) -> float:
        return sum(self.ledger_s) + sum(self.land_s) + sum(self.snapshots_s)

    def per_key_ms(self) -> tuple[float, float, float]:
        med = lambda xs: 1000 * statistics.median(xs) if xs else 0.0  # noqa: E731
        return med(self.ledger_s), med(self.land_s), med(self.snapshots_s)


def replay_own_work(data: Path, scratch: Path) -> OwnWork:
    from resources.lookups.ledger import RequestLedger
    from resources.lookups.fetch import _credits
    from resources.lookups.landing import iter_landed, land, landing_path, read_landed
    from social_assets.snapshots import write_snapshots

    scratch.mkdir(parents=True, exist_ok=True)
    ledger = RequestLedger(f"sqlite:///{scratch / 'ledger.sqlite'}")
    landing, raw = scratch / "landing", scratch / "raw"
    work = OwnWork(0, [], [], [])
    for path in iter_landed(data / "landing"):
        record = read_landed(path)
        t0 = time.perf_counter()
        got = ledger.acquire(target=record.target, params=record.lookup, run_id="replay")
        ledger.submitted(got.entry.id, record.request_id)
        ledger.get(got.entry.id)
        t1 = time.perf_counter()
        land(landing, record)
        t2 = time.perf_counter()
        ledger.landed(got.entry.id, _credits(record.body))
        t3 = time.perf_counter()
        landed = read_landed(landing_path(landing, record.request_id))
        write_snapshots(landed, raw)
        t4 = time.perf_counter()
        ledger.run_credits("replay")
        ledger.done(got.entry.id)
        t5 = time.perf_counter()
        work.keys += 1
        work.ledger_s.append((t1 - t0) + (t3 - t2) + (t5 - t4))
        work.land_s.append(t2 - t1)
        work.snapshots_s.append(t4 - t3)
    return work
