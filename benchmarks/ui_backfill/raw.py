"""The raw measurements saved as JSON (``--raw``) and read back (``--report-from``)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from benchmarks.ui_backfill.baseline import Baseline
from benchmarks.ui_backfill.own_work import OwnWork
from benchmarks.ui_backfill.pair import Pair
from benchmarks.ui_backfill.project import Project
from benchmarks.ui_backfill.sim import SimStats
from benchmarks.ui_backfill.timeline import RunTimeline


def save_raw(path: Path, pairs: list[Pair], meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"meta": meta, "pairs": [dataclasses.asdict(p) for p in pairs]}
    path.write_text(json.dumps(doc, indent=1, default=str))


def load_raw(path: Path) -> tuple[list[Pair], dict]:
    doc = json.loads(path.read_text())
    pairs = []
    for raw in doc["pairs"]:
        b, pr = dict(raw["baseline"]), dict(raw["project"])
        b["sim"] = SimStats(**b["sim"])
        b["load_before"] = tuple(b["load_before"])
        for key in ("sim",):
            pr[key] = SimStats(**pr[key]) if pr.get(key) else None
        pr["timeline"] = RunTimeline(**pr["timeline"]) if pr.get("timeline") else None
        pr["own_work"] = OwnWork(**pr["own_work"]) if pr.get("own_work") else None
        pr["load_before"] = tuple(pr["load_before"])
        pairs.append(Pair(Baseline(**b), Project(**pr), raw["scale"]))
    return pairs, doc["meta"]
