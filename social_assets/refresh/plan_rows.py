"""Rows of the ``refresh_plan`` mart, read from the published warehouse, and what is due.

The plan itself is SQL (``dbt/models/planning``): each build recomputes it from every target's
snapshots and the budget. Here it is only read back (read-only, so a notebook holding the
warehouse never blocks it) and compared with the clock: a target is due once its
``next_refresh_at`` has come.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from resources.settings import Settings
from social_assets.export.connection import WarehouseNotFound, connect_warehouse

PLAN_MODEL = "refresh_plan"
COLUMNS = ("platform", "target_username", "partition_key", "is_planned", "rate_per_day",
           "rate_source", "rate_is_lower_bound", "list_size", "observations",
           "last_snapshot_at", "refreshes_per_month", "refresh_interval_days", "next_refresh_at",
           "expected_changes_per_refresh", "expected_changes_per_month", "credits_per_month",
           "plan_budget_credits", "plan_budget_source", "plan_over_budget",
           "plan_credits_per_month")


class PlanUnavailable(Exception):
    """The warehouse has no refresh plan yet (never built, or built before the plan existed)."""


@dataclass(frozen=True)
class PlanRow:
    platform: str
    target_username: str
    partition_key: str
    is_planned: bool
    rate_per_day: float | None
    rate_source: str
    rate_is_lower_bound: bool
    list_size: float
    observations: int
    last_snapshot_at: datetime
    refreshes_per_month: int
    refresh_interval_days: float | None
    next_refresh_at: datetime | None
    expected_changes_per_refresh: float | None
    expected_changes_per_month: float | None
    credits_per_month: int
    plan_budget_credits: int
    plan_budget_source: str
    plan_over_budget: bool
    plan_credits_per_month: int


def _utc(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc) if isinstance(value, datetime) else value


def rows_from_tuples(tuples: Iterable[Sequence]) -> list[PlanRow]:
    """``PlanRow``s of query results in ``COLUMNS`` order (timestamps made UTC-aware, numbers
    made Python numbers: PostgreSQL returns ``Decimal`` for numeric sums)."""
    rows = []
    for values in tuples:
        record = dict(zip(COLUMNS, values))
        for name in ("last_snapshot_at", "next_refresh_at"):
            record[name] = _utc(record[name])
        for name in ("rate_per_day", "list_size", "refresh_interval_days",
                     "expected_changes_per_refresh", "expected_changes_per_month"):
            if record[name] is not None:
                record[name] = float(record[name])
        for name in ("observations", "refreshes_per_month", "credits_per_month",
                     "plan_budget_credits", "plan_credits_per_month"):
            record[name] = int(record[name])
        rows.append(PlanRow(**record))
    return rows


def read_plan(settings: Settings) -> list[PlanRow]:
    """Every row of the warehouse's ``refresh_plan``; ``PlanUnavailable`` says why there is none."""
    try:
        with connect_warehouse(settings) as conn:
            cursor = conn.cursor()
            try:
                cursor.execute(f"select {', '.join(COLUMNS)} from {PLAN_MODEL} "
                               f"order by platform, target_username")
            except Exception as exc:  # noqa: BLE001 - duckdb.CatalogException, psycopg2 errors
                raise PlanUnavailable(
                    f"the {settings.dbt_target} warehouse has no {PLAN_MODEL} table yet "
                    f"(built before the plan existed: the next warehouse build adds it): "
                    f"{str(exc).splitlines()[0]}") from None
            return rows_from_tuples(cursor.fetchall())
    except WarehouseNotFound as exc:
        raise PlanUnavailable(str(exc)) from None


def due_partitions(rows: Iterable[PlanRow], now: datetime) -> list[str]:
    """The partition keys of the planned targets whose next refresh has come by ``now``, the
    longest overdue first."""
    due = [r for r in rows if r.is_planned and r.next_refresh_at is not None
           and r.next_refresh_at <= now]
    due.sort(key=lambda r: (r.next_refresh_at, r.partition_key))
    return [r.partition_key for r in due]
