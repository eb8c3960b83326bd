"""``social-graph docs``: the warehouse's dbt documentation, generated and served.

    social-graph docs                  # generate, then serve on http://127.0.0.1:8080/
    social-graph docs --port 0         # any free port (printed)
    social-graph docs --no-serve       # generate only: open dbt_docs/static_index.html

``dbt docs generate`` runs on the configured target (``$SOCIAL_DBT_TARGET``) with the paths the
project resolved (``resources.settings``), writing ``$SOCIAL_DATA_DIR/dbt_docs/``: the site
(``index.html`` with ``manifest.json`` and ``catalog.json``) and ``static_index.html``, one file
with everything in it, to open without a server or to share. On DuckDB the catalog is read from a
copy of the published warehouse, so a notebook holding it open never blocks the docs (DuckDB
lets no second process open a file someone reads), and the docs never block a rebuild. Before
the first build there is no warehouse: the docs then have every description but no column
types (``--empty-catalog``), and say so.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from social_graph.cli.signals import stop_on_signals

DOCS_DIR = "dbt_docs"


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("docs", help="generate the dbt docs of the warehouse, and "
                                                "serve them")
    parser.add_argument("--port", type=int, default=8080, help="the server's port (0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="the address to serve on")
    parser.add_argument("--no-serve", dest="serve", action="store_false",
                        help="only generate the docs")
    return parser


def run(args: argparse.Namespace) -> int:
    from resources.settings import Settings

    try:
        settings = Settings.resolve()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = settings.local_dir / DOCS_DIR  # the data dir, unless it is on object storage
    out.mkdir(parents=True, exist_ok=True)
    try:
        code = generate(settings, out)
    except OSError as exc:
        print(f"error: cannot generate the docs in {out}: {exc}", file=sys.stderr)
        return 1
    if code != 0:
        return code
    print(f"dbt docs generated in {out} (one-file version: {out / 'static_index.html'})")
    return serve(out, args.host, args.port) if args.serve else 0


def generate(settings, out: Path) -> int:
    """``dbt docs generate --static`` into ``out``; dbt's exit code (its output shown on failure)."""
    from social_assets.dbt_project import DBT_DIR, DBT_EXECUTABLE

    dbt_vars = settings.dbt_vars()
    extra: list[str] = []
    scratch = None
    if settings.dbt_target == "duckdb":
        # dbt opens the file it is given read-write: give it a copy (or, before the first
        # build, a scratch file), named like the warehouse so the docs show its database name.
        scratch = Path(tempfile.mkdtemp(prefix="warehouse-", dir=out))
        copy = scratch / settings.warehouse_path.name
        dbt_vars["warehouse_path"] = str(copy)
        if settings.warehouse_path.is_file():
            shutil.copyfile(settings.warehouse_path, copy)  # a published file is whole
        else:
            print(f"note: no warehouse at {settings.warehouse_path} yet: the docs have every "
                  "description but no column types (build it, then run this again)",
                  file=sys.stderr)
            extra.append("--empty-catalog")
    command = [DBT_EXECUTABLE, "docs", "generate", "--static", *extra,
               "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
               "--target", settings.dbt_target, "--target-path", str(out),
               "--vars", json.dumps(dbt_vars)]
    env = {**os.environ, "DBT_LOG_PATH": str(out / "logs"), "DBT_USE_COLORS": "false"}
    try:
        result = subprocess.run(command, cwd=DBT_DIR, env=env, capture_output=True, text=True)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if result.returncode != 0:
        print(f"error: dbt docs generate failed (exit {result.returncode}):\n"
              f"{(result.stdout + result.stderr)[-4000:]}", file=sys.stderr)
    return result.returncode


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The docs site's files only (never the logs dbt leaves beside them), without a log line
    per request."""

    SITE = {"/", "/index.html", "/manifest.json", "/catalog.json", "/static_index.html"}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self._allowed():
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if self._allowed():
            super().do_HEAD()

    def _allowed(self) -> bool:
        if self.path.split("?", 1)[0] in self.SITE:
            return True
        self.send_error(404, "not part of the docs site")
        return False

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def serve(out: Path, host: str, port: int) -> int:
    handler = functools.partial(_Handler, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        print(f"error: cannot serve on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    with server:
        bound_host, bound_port = server.server_address[:2]
        print(f"dbt docs at http://{bound_host}:{bound_port}/ (Ctrl-C to stop)", flush=True)
        try:
            with stop_on_signals():
                server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
