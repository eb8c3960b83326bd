"""The ranked candidates, read from the ``expansion_candidates`` mart of the built warehouse.

The mart (dbt/models/marts/expansion_candidates.sql) ranks every account of the current graph
that was never collected; this reads its best rows, in rank order, from a read-only connection
(``social_assets.export.connection.connect_warehouse``: DuckDB or PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from social_assets.targets import account_key

MART = "expansion_candidates"
_COLUMNS = ("candidate_rank, platform, username, score, followed_by_targets, follows_targets, "
            "mutual_targets, pagerank, followers_count, display_name, signals_lower_bound")


class CandidatesMissing(LookupError):
    """The warehouse has no ``expansion_candidates`` table: it was built before the model
    existed, or the build failed before it. ``str()`` says what to run."""

    def __init__(self, reason: str):
        super().__init__(f"the warehouse has no {MART} table ({reason}): build the warehouse "
                         "again (warehouse_job in the UI, or social-graph collect)")


@dataclass(frozen=True)
class Candidate:
    """One ranked account of the mart: its rank, handle, score and the signals behind it."""
    rank: int
    platform: str
    username: str
    score: float
    followed_by_targets: int
    follows_targets: int
    mutual_targets: int
    pagerank: float
    followers_count: Optional[int]
    display_name: Optional[str]
    signals_lower_bound: bool

    @property
    def partition_key(self) -> Optional[str]:
        """``tw_<handle>``/``ig_<handle>``, or None when the API's handle is not one the
        target list accepts (such a candidate is never proposed)."""
        try:
            return account_key(self.platform, self.username)
        except ValueError:
            return None

    def signals(self) -> str:
        """The evidence in words: ``followed by 3 targets, follows 2, 1 mutual``."""
        parts = [f"followed by {self.followed_by_targets} target"
                 f"{'' if self.followed_by_targets == 1 else 's'}",
                 f"follows {self.follows_targets}"]
        if self.mutual_targets:
            parts.append(f"{self.mutual_targets} mutual")
        if self.followers_count is not None:
            parts.append(f"{self.followers_count:,} followers")
        if self.signals_lower_bound:
            parts.append("lower bounds (a list was cut)")
        return ", ".join(parts)


def load_candidates(conn, limit: Optional[int] = None) -> list[Candidate]:
    """The mart's rows in rank order (the best ``limit`` of them, or all), from a DB-API
    connection to the warehouse; ``CandidatesMissing`` when the table is not there."""
    sql = f"select {_COLUMNS} from {MART} order by candidate_rank"
    if limit is not None:
        sql += f" limit {int(limit)}"
    cursor = conn.cursor()
    try:
        try:
            cursor.execute(sql)
        except Exception as exc:  # duckdb.CatalogException, psycopg2 UndefinedTable
            if MART in str(exc) and "not exist" in str(exc):
                raise CandidatesMissing(type(exc).__name__) from None
            raise
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return [Candidate(int(r[0]), r[1], r[2], float(r[3]), int(r[4]), int(r[5]), int(r[6]),
                      float(r[7]), None if r[8] is None else int(r[8]), r[9], bool(r[10]))
            for r in rows]
