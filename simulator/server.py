"""SimulatorServer: the simulator on a loopback port, in a background thread.

    with SimulatorServer(SimulatorConfig(time_scale=0.01)) as sim:   # port 0: a free port
        client.get(f"{sim.url}/usage", headers=...)

Serving uses the standard library's ThreadingHTTPServer (one daemon thread per connection),
so a "drop" fault really closes a socket. `stop()` (also on leaving the `with`) ends serving,
pending jobs and callback retries, and closes every open connection.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any

from simulator.callbacks import DeliveryAttempt
from simulator.config import SimulatorConfig
from simulator.handler import SimulatorHandler
from simulator.jobs import JobStore
from simulator.ledger import Charge
from simulator.state import RequestRecord, Simulation
from simulator.world import World


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The standard library's backlog of 5 makes a burst of concurrent clients wait on connect,
    # which a real API behind a load balancer does not do.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], simulation: Simulation) -> None:
        self.simulation = simulation
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, SimulatorHandler)

    def track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Close kept-alive connections, so no request reaches a stopped simulator."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SimulatorServer:
    """A running simulated Nyne API plus read access to everything it did."""

    def __init__(self, config: SimulatorConfig | None = None, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self._simulation = Simulation(config or SimulatorConfig())
        self._host, self._port = host, port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SimulatorServer:
        """Bind and serve in a daemon thread; returns self."""
        self._httpd = _HTTPServer((self._host, self._port), self._simulation)
        self._simulation.start()
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.02},
                                        name="simulator-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and forget pending work (idempotent)."""
        self._simulation.stop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.close_connections()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the simulator is not running: call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{_url_host(str(host))}:{port}"

    @property
    def config(self) -> SimulatorConfig:
        return self._simulation.config

    def update(self, **changes: Any) -> None:
        """Change knobs live (ValueError on an unknown knob or a bad value)."""
        self._simulation.update(**changes)

    def set_epoch(self, epoch: int) -> None:
        """Move the world to snapshot `epoch` for the lookups accepted from now on."""
        self.update(epoch=epoch)

    def inject_faults(self, tokens: list[str]) -> None:
        """The next len(tokens) /person/interactions requests misbehave, in order."""
        self._simulation.faults.inject(tokens)

    @property
    def credits_used(self) -> int:
        return self._simulation.ledger.credits_used

    @property
    def charges(self) -> list[Charge]:
        return self._simulation.ledger.charges

    @property
    def request_log(self) -> list[RequestRecord]:
        return self._simulation.request_log

    @property
    def jobs(self) -> JobStore:
        return self._simulation.jobs

    @property
    def world(self) -> World:
        return self._simulation.world

    @property
    def callback_deliveries(self) -> list[DeliveryAttempt]:
        return self._simulation.callbacks.attempts


def serve_forever(config: SimulatorConfig | None = None, host: str = "127.0.0.1",
                  port: int = 8765,
                  ready: Callable[[SimulatorServer], None] | None = None) -> None:
    """Serve until KeyboardInterrupt (Ctrl-C, or SIGTERM); `ready(server)` runs once the port
    is bound. Both signals are handled explicitly: a process started in the background inherits
    SIGINT ignored (and a wrapper may ignore SIGTERM), and would then never stop."""
    server = SimulatorServer(config, host, port).start()
    saved = {}
    if threading.current_thread() is threading.main_thread():
        saved = {sig: signal.signal(sig, signal.default_int_handler)
                 for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if ready is not None:
            ready(server)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
