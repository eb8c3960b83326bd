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


def dbt_time_split(run_results: dict, top: int = 6) -> str:
    """Where one ``dbt build``'s time went, from its ``run_results.json``: the seconds inside
    dbt, the models, data tests and unit tests, and the slowest nodes."""
    by_kind: dict[str, float] = {}
    nodes = []
    for result in run_results.get("results", []):
        parts = result["unique_id"].split(".")  # a data test's ends in a hash
        kind = parts[0]
        seconds = float(result.get("execution_time") or 0.0)
        by_kind[kind] = by_kind.get(kind, 0.0) + seconds
        nodes.append((seconds, parts[2] if kind == "test" else parts[-1]))
    slowest = ", ".join(f"{name} {seconds:.1f} s"
                        for seconds, name in sorted(nodes, reverse=True)[:top])
    return (f"{float(run_results.get('elapsed_time') or 0.0):.1f} s inside dbt: models "
            f"{by_kind.get('model', 0.0):.1f} s, data tests {by_kind.get('test', 0.0):.1f} s, "
            f"unit tests {by_kind.get('unit_test', 0.0):.1f} s; slowest: {slowest}")


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
