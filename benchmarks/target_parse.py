"""How fast the target-list parser reads big and pathological files, against the bare libraries.

``python -m benchmarks.target_parse`` (``make bench-parse``) writes, for each file, a fresh
interpreter's CPU time, wall time and peak memory for

- the project: ``read_target_file`` (every row checked, every rejection explained), and
- the baseline: the same bytes through the bare library and nothing else (libyaml's event
  parser for YAML, ``csv.reader`` for CSV), which is the floor any checking parser stands on.

The files are the bad-input suite's (``tests/badinput``): a 10 MB list of junk in YAML and in
CSV (every kind of bad row over and over, the good rows at its start, middle and end), 10 MB of
empty YAML items, 10 MB of two-value CSV records, 10 MB of YAML flow lists, and rows with
thousands of keys and values. The targets
(from issue 4): the 10 MB junk list in seconds (under 10 s) and under 500 MB; the others are
refused at their limit, so well under that. The suite asserts what is parsed and the memory
bound; time bounds live here, where a shared machine's load is reported next to them.

Writes ``benchmarks/TARGET_PARSE.md`` and prints it.
"""
from __future__ import annotations

import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "benchmarks" / "TARGET_PARSE.md"
TARGET_S, TARGET_MB = 10.0, 500.0


def vm_hwm_mb() -> float:
    """This process's peak resident memory. VmHWM is reset by exec (``ru_maxrss`` is not, so
    in a child of pytest it would report pytest's peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("/proc/self/status has no VmHWM line")


def _files(folder: Path) -> dict[str, Path]:
    from tests.badinput.conftest import junk

    files = {}
    for fmt in ("yaml", "csv"):
        files[f"10 MB junk list ({fmt})"] = folder / f"junk.{fmt}"
        files[f"10 MB junk list ({fmt})"].write_bytes(junk(fmt)[0].encode())
    files["10 MB of empty YAML items"] = folder / "tiny.yaml"
    files["10 MB of empty YAML items"].write_bytes(b"targets:\n" + b"-\n" * 5_000_000)
    files["10 MB of two-value CSV records"] = folder / "tiny.csv"
    files["10 MB of two-value CSV records"].write_bytes(b"url\n" + b"x,y\n" * 2_500_000)
    row = b"  - [" + b"a," * 200 + b"a]\n"
    files["10 MB of YAML flow lists"] = folder / "values.yaml"
    files["10 MB of YAML flow lists"].write_bytes(b"targets:\n" + row * (10_000_000 // len(row)))
    keys = "".join(f"k{i}: [{', '.join(['v'] * 200)}], " for i in range(2000))
    files["rows with 2,000 keys, 100,000 collect values"] = folder / "huge_row.yaml"
    files["rows with 2,000 keys, 100,000 collect values"].write_text(
        f"targets:\n  - url: x.com/janedoe\n  - {{{keys}url: x.com/nasa}}\n"
        f"  - {{url: x.com/dagster_io, collect: [{', '.join(['followers'] * 100_000)}]}}\n")
    return files


def _parse(which: str, path: str) -> str:
    """Parse ``path`` as ``which`` says; a one-line summary of what came out."""
    if which == "project":
        from social_assets.targets import TargetListError, read_target_file
        try:
            result = read_target_file(path)
        except TargetListError as exc:
            return f"refused: {str(exc).removeprefix(path + ': ')}"
        return f"{len(result.targets):,} targets, {len(result.rejected):,} rows rejected"
    if path.endswith(".csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            return f"{sum(1 for _ in csv.reader(handle)):,} records"
    import yaml
    with open(path, "rb") as handle:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return f"{sum(1 for _ in yaml.parse(handle, Loader=loader)):,} YAML events"


def _child(which: str, path: str) -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    outcome = _parse(which, path)
    print(json.dumps({"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
                      "peak_mb": vm_hwm_mb(), "outcome": outcome}))


def _measure(which: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "benchmarks.target_parse", "--child", which,
                           str(path)], cwd=REPO, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main() -> int:
    started, load_start = datetime.now(timezone.utc), os.getloadavg()
    rows, missed = [], []
    with tempfile.TemporaryDirectory() as folder:
        for name, path in _files(Path(folder)).items():
            project, baseline = _measure("project", path), _measure("baseline", path)
            ok = project["cpu_s"] < TARGET_S and project["peak_mb"] < TARGET_MB
            if not ok:
                missed.append(f"{name}: {project['cpu_s']:.1f} s CPU (target {TARGET_S:.0f} s), "
                              f"{project['peak_mb']:.0f} MB (target {TARGET_MB:.0f} MB)")
            rows.append(
                f"| {name} | {path.stat().st_size / 1e6:.1f} MB "
                f"| {project['cpu_s']:.2f} s / {project['wall_s']:.2f} s | {project['peak_mb']:.0f} MB "
                f"| {baseline['cpu_s']:.2f} s / {baseline['wall_s']:.2f} s | {baseline['peak_mb']:.0f} MB "
                f"| {'met' if ok else 'MISSED'} | {project['outcome']} |")
    load_end = os.getloadavg()
    report = "\n".join([
        "# Target-list parse benchmark: the project's parser vs the bare libraries",
        "",
        f"`.venv/bin/python -m benchmarks.target_parse`, {started:%Y-%m-%d %H:%M} UTC. Each cell "
        "is a fresh interpreter: CPU time / wall time of the parse alone, and peak RSS (VmHWM) "
        "of the whole process. Baseline: libyaml's event parser (YAML) or `csv.reader` (CSV) "
        f"over the same bytes, checking nothing. Target: under {TARGET_S:.0f} s CPU and "
        f"{TARGET_MB:.0f} MB.",
        "",
        "| file | size | project CPU / wall | project peak | baseline CPU / wall | baseline peak "
        "| target | project outcome |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        *(["Targets missed: " + "; ".join(missed) + ".", ""] if missed else []),
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; load average "
        f"at start {'/'.join(f'{x:.1f}' for x in load_start)}, at end "
        f"{'/'.join(f'{x:.1f}' for x in load_end)} (CPU time on a shared machine grows with "
        "its load too: hyperthreads and caches are shared).",
        "",
    ])
    REPORT.write_text(report)
    print(report)
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(*sys.argv[2:4])
    else:
        sys.exit(main())
