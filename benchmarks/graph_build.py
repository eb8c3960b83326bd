"""Build the social graph from N synthetic follow rows two ways, and compare time and memory.

    .venv/bin/python -m benchmarks.graph_build --edges 10000000

1. writes a synthetic collection of raw Parquet snapshots (``benchmarks.synthetic``) to a
   scratch data dir;
2. runs the pandas/networkx baseline (``benchmarks.baseline``) and ``dbt build`` of ``dbt/``
   on DuckDB over it, each in a process of its own, measuring wall time and peak RSS
   (``benchmarks.measure``);
3. adds one new followers snapshot of 1,000 rows and runs ``dbt build`` again: the
   incremental update (``dbt/macros/incremental.sql``) that follows each collection;
4. checks that the baseline and the full build found the same graph (marts' sizes, PageRank)
   and prints a table, also written to ``benchmarks/RESULTS.md``.

dbt runs with ``--target-path``/``--log-path`` in the scratch dir, so the project's own
``dbt/target`` (the manifest the code location loads) is left alone. Not part of the tests.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.graph_report import NEW_SNAPSHOT_ROWS, dbt_time_split
from benchmarks.graph_report import report as _report
from benchmarks.measure import Measurement, measured
from benchmarks.results import write_section
from benchmarks.synthetic import add_snapshot, generate

PROJECT = Path(__file__).resolve().parents[1]
DBT_DIR = PROJECT / "dbt"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
COMPARED = ["dim_accounts", "fct_follows", "current_follows", "mutual_follows",
            "account_metrics", "max_in_degree", "max_out_degree"]

WAREHOUSE_SUMMARY_SQL = {
    "dim_accounts": "select count(*) from dim_accounts",
    "fct_follows": "select count(*) from fct_follows",
    "current_follows": "select count(*) from fct_follows where is_current",
    "mutual_follows": "select count(*) from mutual_follows",
    "account_metrics": "select count(*) from account_metrics",
    "max_in_degree": "select coalesce(max(in_degree), 0) from account_metrics",
    "max_out_degree": "select coalesce(max(out_degree), 0) from account_metrics",
    "pagerank_sum": "select sum(pagerank) from account_metrics",
}


def dbt_executable() -> Path | None:
    """This venv's dbt, when it and the project's marts exist."""
    dbt = Path(sys.executable).with_name("dbt")
    ready = dbt.exists() and (DBT_DIR / "dbt_project.yml").exists() and any(
        (DBT_DIR / "models" / "marts").glob("account_metrics.*"))
    return dbt if ready else None


def warehouse_summary(path: Path) -> dict:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as conn:
        summary = {name: conn.execute(sql).fetchone()[0]
                   for name, sql in WAREHOUSE_SUMMARY_SQL.items()}
        summary["top_pagerank"] = [list(row) for row in conn.execute(
            "select platform, username, pagerank from account_metrics "
            "order by pagerank desc limit 5").fetchall()]
    return summary


def compare(baseline: dict, warehouse: dict) -> list[str]:
    """The differences between the two summaries (empty when they agree)."""
    differences = [f"{name}: baseline {baseline[name]}, dbt {warehouse[name]}"
                   for name in COMPARED if baseline[name] != warehouse[name]]
    for (p1, u1, r1), (p2, u2, r2) in zip(baseline["top_pagerank"], warehouse["top_pagerank"]):
        if (p1, u1) != (p2, u2) or abs(r1 - r2) > 1e-6 * max(r1, r2):
            differences.append(f"top PageRank: baseline {p1}:{u1} {r1:.6g}, dbt {p2}:{u2} {r2:.6g}")
    return differences


def _row(side: str, run: Measurement | None, status: str, rows: int, summary: dict | None,
         baseline_run: Measurement | None = None) -> str:
    """One line of the table; ``baseline_run`` (the pandas+networkx run on the same data)
    gives the wall time and peak RSS as ratios to it."""
    if run is None:
        return f"| {side} | {status} | | | | {rows:,} | | | |"
    ratio = ""
    if baseline_run is not None and baseline_run.wall_s and baseline_run.peak_rss_mb:
        ratio = (f"{run.wall_s / baseline_run.wall_s:.2f}x, "
                 f"{run.peak_rss_mb / baseline_run.peak_rss_mb:.2f}x")
    measured_cells = (f"| {side} | {status} | {run.wall_s:,.1f} s | {run.peak_rss_mb:,.0f} MB "
                      f"| {ratio} | {rows:,} |")
    if summary is None:
        return measured_cells + " | | |"
    return (measured_cells + f" {summary['current_follows']:,} | "
            f"{summary['account_metrics']:,} | {summary['mutual_follows']:,} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edges", default="10000000",
                        help="raw follow rows; several sizes comma-separated "
                             "(1000000,10000000), each run in turn into one table")
    parser.add_argument("--targets", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="scratch dir (default: a new temporary dir, deleted afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch dir")
    parser.add_argument("--skip-dbt", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--baseline-max-edges", type=int, default=None,
                        help="run the baseline only at sizes up to this many rows (networkx "
                             "holds the whole graph in Python objects: at 30M rows it needs "
                             "tens of GB)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in str(args.edges).split(",") if size.strip()]

    root = (args.data_dir or Path(tempfile.mkdtemp(prefix="social_graph_bench_"))).resolve()
    load = os.getloadavg()
    started = datetime.now(timezone.utc)
    rows, inputs, notes, fulls = [], [], [], []
    try:
        for edges in sizes:
            data_dir = root / f"edges_{edges}" if len(sizes) > 1 else root
            _run_size(edges, args, data_dir, rows, inputs, notes, fulls)
        notes.extend(_growth(fulls))
        report = _report(args, sizes, inputs, rows, notes, load, started, os.getloadavg())
        print(report)
        write_section(args.results, report)  # the other benchmarks' sections stay
        print(f"written to {args.results}")
        return 0
    finally:
        if not args.keep and args.data_dir is None:
            shutil.rmtree(root, ignore_errors=True)


def _growth(fulls: list[tuple[int, float]]) -> list[str]:
    """How the full build's wall time grew from one size to the next, against the rows."""
    return [f"Growth of the full build from {small:,} to {big:,} rows ({big / small:.1f}x the "
            f"rows): {big_s / small_s:.1f}x the wall time"
            for (small, small_s), (big, big_s) in zip(fulls, fulls[1:])]


def _run_size(edges: int, args, data_dir: Path, rows: list, inputs: list, notes: list,
              fulls: list) -> None:
    """Generate ``edges`` rows in ``data_dir``; measure the baseline, the full build and the
    incremental build after one new snapshot; append their rows and notes, and the full
    build's (rows, wall time) to ``fulls``."""
    if (data_dir / "raw").exists():
        shutil.rmtree(data_dir / "raw")
    clock = time.perf_counter()
    collection = generate(data_dir / "raw", edges=edges, targets=args.targets, seed=args.seed)
    generated_s = time.perf_counter() - clock
    print(f"generated {collection.rows:,} rows ({collection.followers_rows:,} followers, "
          f"{collection.following_rows:,} following) in {collection.snapshots:,} snapshots "
          f"of {collection.targets:,} targets in {generated_s:.1f} s: {data_dir / 'raw'}",
          flush=True)
    inputs.append(
        f"- {collection.rows:,} raw follow rows ({collection.followers_rows:,} followers, "
        f"{collection.following_rows:,} following) in {collection.snapshots:,} Parquet "
        f"snapshots of {collection.targets:,} targets drawn from {collection.pool:,} accounts, "
        f"generated in {generated_s:.1f} s.")
    env = {**os.environ, "SOCIAL_DATA_DIR": str(data_dir),
           "SOCIAL_WAREHOUSE": str(data_dir / "warehouse.duckdb"), "DBT_TARGET": "duckdb",
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    baseline = warehouse = baseline_run = None
    size = f"{collection.rows:,}"
    if args.skip_baseline or (args.baseline_max_edges is not None
                              and edges > args.baseline_max_edges):
        rows.append(_row("pandas + networkx", None, "skipped", collection.rows, None))
    else:
        print("running the pandas/networkx baseline ...", flush=True)
        run = measured([sys.executable, "-m", "benchmarks.baseline", str(data_dir),
                        str(data_dir / "baseline.json")],
                       env=env, cwd=PROJECT, log=data_dir / "baseline.log")
        if run.returncode == 0:
            baseline = json.loads((data_dir / "baseline.json").read_text())
            baseline_run = run
        status = "ok" if run.returncode == 0 else f"failed ({run.returncode})"
        rows.append(_row("pandas + networkx", run, status, collection.rows, baseline))
        if run.returncode:
            notes.append(f"{size} rows: baseline failed:\n" + _tail(run.log))
    dbt = None if args.skip_dbt else dbt_executable()
    if dbt is None:
        rows.append(_row("dbt build (DuckDB)", None, "skipped" if args.skip_dbt
                         else "not available", collection.rows, None))
        return
    print("running dbt build (full) ...", flush=True)
    (data_dir / "warehouse.duckdb").unlink(missing_ok=True)
    run, warehouse = _dbt_build(dbt, data_dir, env, "full", notes, size)
    rows.append(_row("dbt build, full (DuckDB)", run, _status(run), collection.rows, warehouse,
                     baseline_run))
    if run.returncode == 0:
        fulls.append((collection.rows, run.wall_s))
        new = add_snapshot(data_dir / "raw", rows=NEW_SNAPSHOT_ROWS, pool=collection.pool)
        print(f"running dbt build (incremental, after snapshot {new}) ...", flush=True)
        inc, after = _dbt_build(dbt, data_dir, env, "incremental", notes, size)
        rows.append(_row(f"dbt build, incremental: +1 snapshot of {NEW_SNAPSHOT_ROWS:,} rows",
                         inc, _status(inc), collection.rows + NEW_SNAPSHOT_ROWS, after,
                         baseline_run))
    if baseline and warehouse:
        differences = compare(baseline, warehouse)
        notes.append(f"{size} rows: same graph: both agree on " + ", ".join(COMPARED)
                     + " and the top 5 PageRank accounts" if not differences else
                     f"{size} rows: the two sides DIFFER:\n"
                     + "\n".join(f"- {d}" for d in differences))


def _dbt_build(dbt: Path, data_dir: Path, env: dict, name: str, notes: list[str],
               label: str) -> tuple[Measurement, dict | None]:
    """``dbt build`` of the project on the scratch warehouse, measured; its summary."""
    run = measured([str(dbt), "build", "--project-dir", str(DBT_DIR),
                    "--profiles-dir", str(DBT_DIR), "--target", "duckdb",
                    "--target-path", str(data_dir / "dbt_target"),
                    "--log-path", str(data_dir / "dbt_logs")],
                   env=env, cwd=PROJECT, log=data_dir / f"dbt_{name}.log")
    summary = None
    run_results = data_dir / "dbt_target" / "run_results.json"
    if run_results.exists():
        notes.append(f"{label} rows, dbt build ({name}): "
                     + dbt_time_split(json.loads(run_results.read_text())))
        run_results.unlink()  # the next build's must not be read for this one's
    if (data_dir / "warehouse.duckdb").exists():
        try:
            summary = warehouse_summary(data_dir / "warehouse.duckdb")
        except Exception as exc:  # a model missing after a failed build
            notes.append(f"could not read the warehouse after the {name} build: {exc}")
    if run.returncode:
        notes.append(f"dbt build ({name}) failed (models or tests), last lines:\n"
                     + _tail(run.log))
    return run, summary


def _status(run: Measurement) -> str:
    return "ok" if run.returncode == 0 else f"failed ({run.returncode})"


def _tail(log: Path, lines: int = 15) -> str:
    text = log.read_text(errors="replace").splitlines() if log.exists() else []
    return "\n".join("    " + line for line in text[-lines:])


if __name__ == "__main__":
    sys.exit(main())
