"""The history of job latencies, beside the ledger: what ``LatencyModel`` learns from.

One row per job this project waited for by polling (table ``nyne_latencies`` in the ledger's
database, created if missing): its kind (platform and interaction type) and the interval its
duration lay in (``resources.lookups.latency``). A run reads the newest rows when it starts, so
its first polls already come when jobs are usually done; it adds a row per job it polls to the
end. Only durations are kept: no target, no request id, nothing that names an account.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from resources.lookups.latency import MAX_SAMPLES, Observation

from .db import engine_for, ensure_tables

metadata = sa.MetaData()
latencies = sa.Table(
    "nyne_latencies", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("lo_s", sa.Float, nullable=False),
    sa.Column("hi_s", sa.Float, nullable=False),
    sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
)  # fmt: skip
sa.Index("nyne_latencies_kind", latencies.c.kind, latencies.c.id)


class LatencyLog:
    """The latency rows in the database at SQLAlchemy ``url`` (the ledger's)."""

    def __init__(self, url: str) -> None:
        self._engine = engine_for(url)
        ensure_tables(self._engine, metadata)

    def record(self, observation: Observation) -> None:
        with self._engine.begin() as conn:
            conn.execute(latencies.insert().values(
                kind=observation.kind[:64], lo_s=observation.lo_s, hi_s=observation.hi_s,
                observed_at=datetime.now(timezone.utc)))

    def recent(self, per_kind: int = MAX_SAMPLES) -> list[Observation]:
        """The newest ``per_kind`` rows of every kind, oldest first."""
        with self._engine.begin() as conn:
            kinds = list(conn.execute(sa.select(latencies.c.kind).distinct()).scalars())
            rows = []
            for kind in kinds:
                rows += conn.execute(sa.select(latencies).where(latencies.c.kind == kind)
                                     .order_by(latencies.c.id.desc()).limit(per_kind)).all()
        rows.sort(key=lambda row: row.id)
        return [Observation(row.kind, row.lo_s, row.hi_s) for row in rows]
