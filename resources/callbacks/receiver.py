"""CallbackReceiver: the HTTP endpoint the API POSTs finished jobs to, in a background thread.

    with CallbackReceiver(CallbackInbox(url), token) as receiver:     # port 0: a free port
        submit(..., callback_url=callback_url(receiver.url, token))

Route: ``POST /nyne/callbacks/<token>``. The API signs nothing, so the secret token in the path
is the authentication; it is compared in constant time and never logged nor echoed (the request
line is logged as ``/nyne/callbacks/***``). Answers, JSON:
200 stored (new or duplicate: any 2xx stops the API's retries); 400 not JSON / not an object /
bad Content-Length; 403 wrong token; 404 other paths; 405 other methods on the route; 411 no
Content-Length; 413 Content-Length above ``max_body_bytes`` (the body is not read); 422 no
request_id; 503 the database write failed (so the API retries). Every connection is closed
after its response (HTTP/1.0), so ``stop()`` leaves nothing half-open.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import urlsplit

from resources.callbacks.inbox import CallbackInbox, InvalidDelivery
from resources.callbacks.urls import ROUTE, callback_url, check_token, redact

log = logging.getLogger("social_graph.receiver")
__all__ = ["CallbackReceiver", "DEFAULT_MAX_BODY", "callback_url", "check_token", "serve_forever"]

DEFAULT_MAX_BODY = 16 * 1024 * 1024
# After refusing a body unread, discard this much of it before closing: closing with unread
# data sends a TCP reset, which can destroy our response before the client reads it.
_LINGER_BYTES, _LINGER_S = 256 * 1024, 1.0


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the API may deliver many jobs' callbacks at once

    def __init__(self, address: tuple[str, int], inbox: CallbackInbox, token: str,
                 max_body_bytes: int) -> None:
        self.inbox, self.token, self.max_body_bytes = inbox, token, max_body_bytes
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Not the standard traceback on stderr: a client that stalls or vanishes is routine.
        log.warning("connection dropped (%s)", sys.exc_info()[0].__name__)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    timeout = 30  # a client that stalls mid-request does not hold a thread forever
    server_version = "social-graph-receiver"
    sys_version = ""

    def do_POST(self) -> None:
        token = self._route_token()
        if token is None:
            return self._refuse(404, "not found")
        if not hmac.compare_digest(token.encode(), self.server.token.encode()):
            return self._refuse(403, "wrong token")
        length = self.headers.get("Content-Length")
        if length is None:
            return self._refuse(411, "Content-Length required")
        if not re.fullmatch(r"[0-9]+", length.strip()):  # str.isdigit takes '²', int() does not
            return self._refuse(400, "bad Content-Length")
        if (size := int(length)) > self.server.max_body_bytes:
            return self._refuse(413, f"body above {self.server.max_body_bytes} bytes")
        body = self.rfile.read(size)
        if len(body) < size:
            return self._reply(400, {"error": "body shorter than Content-Length"})
        self._store(body)

    def _store(self, body: bytes) -> None:
        try:
            result = self.server.inbox.store(body)
        except InvalidDelivery as bad:
            status = 422 if bad.code == "no_request_id" else 400
            log.warning("callback rejected -> %d (%s)", status, bad.reason)
            return self._reply(status, {"error": bad.reason})
        except Exception as exc:  # the database: answer 503 so the API delivers again later
            # The type only: a driver's message may quote the statement and its parameters.
            log.error("callback not stored (%s) -> 503", type(exc).__name__)
            return self._reply(503, {"error": "not stored, retry later"})
        log.info("callback %s status=%s %s -> 200", result.request_id, result.status,
                 "new" if not result.duplicate else "duplicate" if result.kept
                 else "duplicate, ignored (an earlier terminal payload stays)")
        self._reply(200, {"stored": True, "request_id": result.request_id,
                          "duplicate": result.duplicate})

    def _other_method(self) -> None:
        if self._route_token() is None:
            return self._refuse(404, "not found")
        self._refuse(405, "only POST", {"Allow": "POST"})

    do_GET = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _other_method

    def _route_token(self) -> Optional[str]:
        path = urlsplit(self.path).path
        rest = path[len(ROUTE):] if path.startswith(ROUTE) else None
        return rest if rest is not None and "/" not in rest else None

    def _refuse(self, status: int, message: str, headers: Optional[dict] = None) -> None:
        """Answer without reading the body, then close the connection."""
        self._reply(status, {"error": message}, headers)
        if self.headers.get("Content-Length", "0").strip() != "0" or \
                self.headers.get("Transfer-Encoding"):
            self._linger()
        log.warning("%s %s -> %d (%s)", self.command, self._scrub(self.path), status, message)

    def _reply(self, status: int, payload: dict[str, Any],
               headers: Optional[dict] = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", "Content-Length": str(len(data)),
                            "Connection": "close", **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.close_connection = True

    def _linger(self) -> None:
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(_LINGER_S)
            deadline, left = time.monotonic() + _LINGER_S, _LINGER_BYTES
            while left > 0 and time.monotonic() < deadline:
                chunk = self.connection.recv(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass  # the client went away: nothing more to protect

    def send_error(self, code: int, message: Optional[str] = None,
                   explain: Optional[str] = None) -> None:
        # The standard page quotes the request line, which may hold the token: a JSON phrase.
        # A line too garbled to parse leaves the version at HTTP/0.9 (no status line): answer
        # as HTTP/1.0 so the client sees the status.
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"
        self._reply(code, {"error": HTTPStatus(code).phrase})
        log.warning("request refused -> %d", code)

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        log.debug("%s %s -> %s", self.command or "-", self._scrub(getattr(self, "path", "-")),
                  code)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s", self._scrub(format % args))

    def _scrub(self, text: str) -> str:
        """``text`` for a log line: the callback route's token hidden, and the token itself
        wherever else it appears (a sender that got the path wrong: ``/nyne/<token>``)."""
        return redact(text).replace(self.server.token, "***")


class CallbackReceiver:
    """A running receiver: ``start()``/``stop()`` or ``with``; ``url`` is its base URL."""

    def __init__(self, inbox: CallbackInbox, token: str, host: str = "127.0.0.1",
                 port: int = 0, max_body_bytes: int = DEFAULT_MAX_BODY) -> None:
        check_token(token)
        if max_body_bytes <= 0:
            raise ValueError("max_body_bytes must be positive")
        self._inbox, self._token, self._max = inbox, token, max_body_bytes
        self._host, self._port = host, port
        self._httpd: Optional[_HTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    def __repr__(self) -> str:
        state = self.url if self._httpd else "stopped"
        return f"CallbackReceiver({state}, {self._inbox!r})"  # never the token

    def start(self) -> CallbackReceiver:
        """Bind and serve in a daemon thread; returns self."""
        self._httpd = _HTTPServer((self._host, self._port), self._inbox, self._token, self._max)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="callback-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> CallbackReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def server_address(self) -> tuple:
        """The bound (host, port, ...), as the socket reports it."""
        return self._running().server_address

    @property
    def port(self) -> int:
        return int(self._running().server_address[1])

    @property
    def url(self) -> str:
        host = str(self._running().server_address[0])
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    def _running(self) -> _HTTPServer:
        if self._httpd is None:
            raise RuntimeError("the receiver is not running: call start() first")
        return self._httpd


def serve_forever(inbox: CallbackInbox, token: str, host: str = "127.0.0.1", port: int = 8787,
                  max_body_bytes: int = DEFAULT_MAX_BODY,
                  ready: Optional[Callable[[CallbackReceiver], None]] = None) -> None:
    """Serve until KeyboardInterrupt; ``ready(receiver)`` runs once the port is bound."""
    receiver = CallbackReceiver(inbox, token, host, port, max_body_bytes).start()
    try:
        if ready is not None:
            ready(receiver)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        receiver.stop()

