"""The refresh plan by the models' own SQL, in a tenth of a second: compiled once by dbt, run
on DuckDB after its inputs are made from the month's snapshots.

``dbt compile`` renders ``target_change_rates`` and ``refresh_plan`` (with the month's vars)
to the SQL a build would run; that SQL names its inputs as ``"warehouse"."main"."<model>"``.
Each day, in an in-memory catalog named ``warehouse``, ``follower_changes`` and
``int_snapshots`` are written from the snapshots (what those models would hold),
``target_change_rates`` is created from its compiled SQL, and ``refresh_plan``'s is queried. Any other input the SQL comes to name is refused by name, so a
changed model cannot be silently half-fed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from benchmarks.refresh.dbt_run import dbt
from benchmarks.refresh.month import Look
from benchmarks.refresh.world import day_at
from social_assets.parquet import ensure_schema_files
from social_assets.refresh.plan_rows import COLUMNS, PlanRow, rows_from_tuples

MODELS = ("target_change_rates", "refresh_plan")
PROVIDED = {"follower_changes", "int_snapshots", "target_change_rates"}
RELATION = re.compile(r'"warehouse"\."main"\."(\w+)"')


class CompiledPlan:
    """``rows(looks)``: refresh_plan's rows for these snapshots, as the sensor reads them."""

    def __init__(self, work_dir: Path, dbt_vars: dict[str, Any]) -> None:
        self.work_dir = Path(work_dir)
        ensure_schema_files(self.work_dir / "raw")
        dbt(["compile", "--select", *MODELS], self.work_dir, dbt_vars)
        compiled = self.work_dir / "dbt_target" / "compiled" / "social_graph" / "models"
        self.sql = {m: (compiled / "planning" / f"{m}.sql").read_text() for m in MODELS}
        named = {name for sql in self.sql.values() for name in RELATION.findall(sql)}
        if named - PROVIDED:
            raise RuntimeError(f"the plan's SQL reads {sorted(named - PROVIDED)}, which the "
                               f"month does not provide (only {sorted(PROVIDED)})")

    def rows(self, looks: list[Look]) -> list[PlanRow]:
        changes, snapshots = input_tables(looks)
        with duckdb.connect() as con:
            # The compiled SQL names the warehouse's catalog: an in-memory one of that name.
            con.execute("attach ':memory:' as warehouse; use warehouse; set TimeZone = 'UTC'")
            for name, table in (("follower_changes", changes), ("int_snapshots", snapshots)):
                con.register("incoming", table)
                con.execute(f"create or replace table main.{name} as select * from incoming")
                con.unregister("incoming")
            con.execute("create or replace table main.target_change_rates as "
                        + self.sql["target_change_rates"])
            plan = con.execute(f"select {', '.join(COLUMNS)} from ({self.sql['refresh_plan']}) "
                               f"as plan order by platform, target_username").fetchall()
            return rows_from_tuples(plan)


def input_tables(looks: list[Look]) -> tuple[pa.Table, pa.Table]:
    """``follower_changes`` and ``int_snapshots`` as a build would hold them for `looks`
    (complete lists: none is cut, so no row is a lower bound)."""
    by_target: dict[tuple[str, str], list[Look]] = defaultdict(list)
    for look in looks:
        by_target[(look.target.platform, look.target.username)].append(look)
    changes, snapshots = [], []
    for (platform, username), seen in sorted(by_target.items()):
        seen.sort(key=lambda look: look.day)
        previous = None
        for number, look in enumerate(seen, start=1):
            at = day_at(look.day)
            before = previous.followers if previous else frozenset()
            common = {"snapshot_id": f"{look.request_id}:followers", "platform": platform,
                      "target_username": username, "request_id": look.request_id,
                      "snapshot_at": at, "previous_snapshot_at":
                      day_at(previous.day) if previous else None}
            changes.append({**common, "listed_followers": len(look.followers),
                            "gained": len(look.followers - before),
                            "lost": len(before - look.followers), "is_truncated": False,
                            "previous_is_truncated": False, "is_lower_bound": False})
            snapshots.append({**common, "list_type": "followers",
                              "row_count": len(look.followers), "snapshot_number": number,
                              "is_truncated": False})
            previous = look
    return _table(changes, CHANGES_SCHEMA), _table(snapshots, SNAPSHOTS_SCHEMA)


_TS = pa.timestamp("us", tz="UTC")
_COMMON = [("snapshot_id", pa.string()), ("platform", pa.string()),
           ("target_username", pa.string()), ("request_id", pa.string()),
           ("snapshot_at", _TS), ("previous_snapshot_at", _TS)]
CHANGES_SCHEMA = pa.schema(_COMMON + [
    ("listed_followers", pa.int64()), ("gained", pa.int64()), ("lost", pa.int64()),
    ("is_truncated", pa.bool_()), ("previous_is_truncated", pa.bool_()),
    ("is_lower_bound", pa.bool_())])
SNAPSHOTS_SCHEMA = pa.schema(_COMMON + [
    ("list_type", pa.string()), ("row_count", pa.int64()), ("snapshot_number", pa.int64()),
    ("is_truncated", pa.bool_())])


def _table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)
