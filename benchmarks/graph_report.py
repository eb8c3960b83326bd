"""The table ``benchmarks.graph_build`` prints and writes to ``benchmarks/RESULTS.md``: the
inputs, one row per build, what the columns mean, the notes, the machine and its load."""

import os
import platform
from importlib import metadata

NEW_SNAPSHOT_ROWS = 1000  # the snapshot the incremental build takes in (graph_build uses it)


def _versions() -> str:
    packages = ["dbt-core", "dbt-duckdb", "duckdb", "pandas", "pyarrow", "networkx", "scipy"]
    found = []
    for package in packages:
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(found)


def report(args, sizes, inputs, rows, notes, load, started, load_end) -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return "\n".join([
        "# Graph build benchmark: dbt on DuckDB vs pandas + networkx",
        "",
        f"`.venv/bin/python -m benchmarks.graph_build --edges {args.edges}` "
        f"(seed {args.seed}, {args.targets} targets), {started:%Y-%m-%d %H:%M} UTC, "
        "one command, the sizes in turn.",
        "",
        "Input:",
        *inputs,
        "",
        "| build | status | wall time | peak RSS | vs baseline (wall, RSS) | raw rows "
        "| current edges | nodes | mutual pairs |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "- wall time: the whole process (interpreter start, reading Parquet, every mart; for "
        "dbt also parsing the project and running its data and unit tests);",
        "- peak RSS: `ru_maxrss` of the process (the largest single process, from a wrapper "
        "process of its own);",
        "- incremental: `dbt build` again after one new followers snapshot of "
        f"{NEW_SNAPSHOT_ROWS:,} rows, on the warehouse the full build made;",
        "- nodes: accounts in the current follow graph (`account_metrics` rows); current edges: "
        "`fct_follows` rows with `is_current`.",
        "",
        *[note + "\n" for note in notes],
        f"Machine: {os.cpu_count()} cores, {memory_gb:.0f} GB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}; load average at start "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, at end "
        f"{load_end[0]:.1f}/{load_end[1]:.1f}/{load_end[2]:.1f} (other work on the machine "
        "inflates times).",
        f"Versions: {_versions()}.",
        "",
    ])
