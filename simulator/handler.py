"""HTTP: read a request, route it, apply injected faults, write the reply, log one line.

Routing: unknown path -> 404 `not_found`; known path, other method -> 405
`method_not_allowed` with `Allow`. Faults apply to `/person/interactions` only; `/_sim/*`
answers loopback clients only (403 otherwise). Logs and the request log carry the method, the
path without its query (which may hold api_key/api_secret) and the status: never a header.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from simulator import admin, endpoints, envelope
from simulator.envelope import Reply, Request
from simulator.faults import STATUS_TOKENS
from simulator.ratelimit import seconds_header
from simulator.state import RequestRecord, Simulation

log = logging.getLogger("simulator")

API_PATH = "/person/interactions"
# path -> method -> (function, kind); kind "api" counts in the rate limit, "free" does not.
ROUTES = {
    API_PATH: {"GET": (endpoints.poll, "api"), "POST": (endpoints.submit, "api")},
    "/usage": {"GET": (endpoints.usage, "free")},
    "/_sim/state": {"GET": (admin.state, "admin")},
    "/_sim/config": {"POST": (admin.config, "admin")},
    "/_sim/faults": {"POST": (admin.faults, "admin")},
    "/_sim/epoch": {"POST": (admin.epoch, "admin")},
    "/_sim/accounts": {"GET": (admin.accounts, "admin")},
    "/_sim/posts": {"GET": (admin.posts, "admin")},
}
MAX_BODY = 1_000_000


class SimulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real API server would
    server_version = "nyne-simulator"
    sys_version = ""
    timeout = 60  # an idle keep-alive connection is closed after this
    # Headers and body leave in one segment (flushed after each request), without Nagle:
    # otherwise delayed ACKs add ~40 ms to every keep-alive exchange.
    wbufsize = -1
    disable_nagle_algorithm = True

    @property
    def sim(self) -> Simulation:
        return self.server.simulation  # type: ignore[attr-defined]

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        self.server.untrack(self.connection)  # type: ignore[attr-defined]
        super().finish()

    def _dispatch(self) -> None:
        request = self._read()
        fault = None
        methods = ROUTES.get(request.path)
        if methods is None:
            reply = envelope.error(404, "not_found", f"No route for {request.path}", time.time())
        elif request.method not in methods:
            reply = envelope.error(405, "method_not_allowed",
                                   f"{request.method} is not allowed on {request.path}",
                                   time.time())
            reply.headers["Allow"] = ", ".join(methods)
        else:
            function, kind = methods[request.method]
            fault = self.sim.faults.next() if request.path == API_PATH else None
            reply = self._faulted(fault, request)
            if reply is None and fault in (None, "slow"):
                if kind == "admin":
                    reply = self._admin(function, request)
                else:
                    reply = endpoints.api_call(self.sim, request, function,
                                               counted=kind == "api")
        # Recorded before the answer goes out: a client that has its answer finds the request
        # in the log (recorded after, a test reading the log then could miss the last one).
        self._record(request, reply, fault)
        if reply is None:  # "drop" or "timeout": close without a word
            self.close_connection = True
        else:
            self._write(reply)

    # Every method goes through routing, so a wrong one is answered 405 in the API's envelope.
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def _faulted(self, fault: str | None, request: Request) -> Reply | None:
        """The reply a fault replaces the real one with (None: no reply, or the real one)."""
        cfg, now = self.sim.config, time.time()
        if fault in STATUS_TOKENS:
            return envelope.error(int(fault), "internal_error",
                                  "An internal error occurred, please retry", now)
        if fault == "429":
            reply = envelope.error(429, "rate_limit_exceeded", "Rate limit exceeded", now)
            reply.headers["Retry-After"] = seconds_header(
                cfg.scaled(cfg.fault_retry_after_s), cfg.time_scale)
            return reply
        if fault == "malformed":
            status = 202 if request.method == "POST" else 200
            return Reply(status, b'{"success": true, "data": {"request_id": "interac')
        if fault == "slow":
            self.sim.stopping.wait(cfg.scaled(cfg.slow_s))
        elif fault == "timeout":
            self.sim.stopping.wait(cfg.hang_s)
        return None

    def _admin(self, function, request: Request) -> Reply:
        if not ipaddress.ip_address(request.client_ip).is_loopback:
            return envelope.error(403, "forbidden", "admin endpoints answer loopback only",
                                  time.time())
        return function(self.sim, request)

    def _read(self) -> Request:
        parts = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:  # the rest stays unread: this connection cannot be reused
            self.close_connection = True
        body = self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""
        return Request(self.command, parts.path, dict(parse_qsl(parts.query)), self.headers,
                       body, self.client_address[0])

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", f"{reply.content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def _record(self, request: Request, reply: Reply | None, fault: str | None) -> None:
        status = reply.status if reply else None
        request_id = (reply.request_id if reply else None) or request.query.get("request_id")
        self.sim.record(RequestRecord(request.method, request.path, status, time.time(),
                                      request_id, fault))
        log.info("%s %s -> %s%s%s", request.method, request.path,
                 status if status is not None else "no response",
                 f" request_id={request_id}" if request_id else "",
                 f" fault={fault}" if fault else "")

    # BaseHTTPRequestHandler logs the raw request line (query secrets included) to stderr.
    def log_request(self, code: object = "-", size: object = "-") -> None:
        pass

    def log_message(self, format: str, *args: object) -> None:
        pass

    def log_error(self, format: str, *args: object) -> None:
        # Bad request lines and idle keep-alive timeouts; the arguments may quote the query.
        log.debug("connection error from %s", self.client_address[0])
