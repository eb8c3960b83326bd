"""Regenerate the raw Parquet tables from the landing archive, with no API call.

Every record in ``<data>/landing/`` is turned into its snapshots exactly as the
materialization did (``social_assets.snapshots``), so the files come back with the same paths
and the same rows. A record that cannot be read (a corrupt file, a result layout this version
does not know) is reported and skipped; the others are still rebuilt. The data dir may be on
object storage (``s3://...``): the archive is listed and read, and the files written, there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from resources.lookups.landing import iter_landed, read_landed
from social_assets.parquet import ensure_schema_files
from social_assets.snapshots import write_snapshots


@dataclass
class RebuildReport:
    records: int = 0
    files: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # by asset
    failures: dict[str, str] = field(default_factory=dict)  # by landing file name

    def lines(self) -> list[str]:
        rows = ", ".join(f"{n} {asset}" for asset, n in sorted(self.rows.items())) or "no rows"
        out = [f"rebuilt {self.files} Parquet files from {self.records} landed results: {rows}"]
        out += [f"error: {name}: {reason}" for name, reason in sorted(self.failures.items())]
        return out


def rebuild(landing: Path, raw_root: Path,
            say: Callable[[str], None] = lambda line: None) -> RebuildReport:
    """Write the snapshots (and manifest rows) of every record under ``landing`` into
    ``raw_root/<asset>/``, and the ``_schema.parquet`` files dbt's sources need."""
    report = RebuildReport()
    ensure_schema_files(raw_root)
    for path in iter_landed(landing):
        try:
            snaps = write_snapshots(read_landed(path), raw_root)
        except Exception as exc:  # one unreadable record never stops the others
            report.failures[path.name] = f"{type(exc).__name__}: {exc}"
            say(f"{path.name}: FAILED {report.failures[path.name]}")
            continue
        report.records += 1
        for snap in snaps:
            report.files += 1
            report.rows[snap.asset] = report.rows.get(snap.asset, 0) + snap.rows
    return report
