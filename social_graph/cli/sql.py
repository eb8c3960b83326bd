"""``social-graph sql``: the warehouse, opened read-only with the project's own (pinned) DuckDB.

    social-graph sql                         # a prompt: statements end with ';', Ctrl-D leaves
    social-graph sql -c "select * from account_metrics order by pagerank desc limit 5"
    echo "select count(*) from fct_follows;" | social-graph sql

With a data dir on object storage (``s3://bucket/prefix``) the shell reads its raw files too
(``select count(*) from read_parquet('s3://bucket/prefix/raw/followers/**/*.parquet')``), through
the same fsspec filesystem, credentials from the environment.

A DuckDB CLI of another version may not read the file (each release writes its own storage
version); this one always can. Read-only, so it never blocks a rebuild: the build publishes a
new file (``social_assets.publish``), and this shell keeps the version it opened until it is
restarted.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("sql", help="query the warehouse (DuckDB, read-only)")
    parser.add_argument("-c", "--command", dest="sql", help="run these statements and exit")
    parser.add_argument("--max-rows", type=int, default=40, help="rows shown per result")
    return parser


def run(args: argparse.Namespace, stdin: TextIO | None = None,
        stdout: TextIO | None = None) -> int:
    import duckdb

    from resources.datadir import register_with_duckdb
    from resources.settings import Settings

    try:
        settings = Settings.resolve()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if settings.dbt_target != "duckdb":
        print(f"error: the warehouse is on {settings.dbt_target} ($SOCIAL_DBT_TARGET): open "
              "schema analytics there with psql or a BI tool", file=sys.stderr)
        return 2
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout  # read now: tests swap them
    path = settings.warehouse_path
    if not path.is_file():
        print(f"error: no warehouse at {path} yet: build it first (make demo, or "
              "social-graph collect)", file=sys.stderr)
        return 2
    with duckdb.connect(str(path), read_only=True) as db:
        register_with_duckdb(db, settings.data_dir)
        if args.sql is not None:
            return _execute(db, args.sql, args.max_rows, stdout)
        interactive = stdin.isatty()
        if interactive:
            print(f"{path} (read-only, DuckDB {duckdb.__version__}); end statements with ';', "
                  "Ctrl-D leaves", file=stdout)
        failed, pending = 0, ""
        while True:
            if interactive:
                print("sql> " if not pending else "...> ", end="", file=stdout, flush=True)
            line = stdin.readline()
            if not line:
                break
            pending += line
            if pending.rstrip().endswith(";"):
                failed |= _execute(db, pending, args.max_rows, stdout)
                pending = ""
        if pending.strip():
            failed |= _execute(db, pending, args.max_rows, stdout)
        return failed


def _execute(db, sql: str, max_rows: int, stdout: TextIO) -> int:
    """Run ``sql`` and print each result as a table; 1 (the error printed) when it fails."""
    import duckdb

    try:
        relation = db.sql(sql)
    except duckdb.Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if relation is not None:
        print(relation.__str__() if max_rows <= 0 else _shown(relation, max_rows), file=stdout)
    return 0


def _shown(relation, max_rows: int) -> str:
    """The result as DuckDB's own box table, at most ``max_rows`` rows of it."""
    return relation.limit(max_rows).__str__()
