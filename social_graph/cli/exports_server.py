"""A read-only HTTP server for the exports folder, so the UI can show the export's picture.

Dagster's UI renders a markdown metadata value inline only when it is short (under 1,000
characters); a picture embedded as base64 is far longer and hides behind "Show Markdown". With
``$SOCIAL_EXPORTS_URL`` set to where ``<data>/exports/`` is served, ``social_graph_export`` links
the picture instead, and the asset page shows it. ``social-graph dev`` serves the folder on a
free loopback port for the local UI; in production, point the variable at wherever the exports
are published (a web server, a bucket's public URL).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # one line per image request would drown dagster dev's own output

    def list_directory(self, path):  # a picture by its name, never a listing of the folder
        self.send_error(404)
        return None


@contextmanager
def serve_exports(folder: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``folder`` (created if missing) until the block ends; yields its base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, name="exports-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
