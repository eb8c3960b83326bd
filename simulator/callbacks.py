"""Callback delivery: POST a finished job's payload to its `callback_url`, retrying on failure.

Contract (provider): the first attempt goes out when the job ends (completed or failed, choice:
the contract says "when the job finishes"); any 2xx acknowledges; otherwise (other status,
refused connection, timeout) it is retried up to 5 more times after 1 s, 5 s, 15 s, 60 s and
300 s (`callback_retry_s`, scaled), each attempt with a 30 s timeout (scaled). Every attempt is
recorded. Every attempt sends the same bytes, so receivers see exact duplicates.
Body (choice, `callback_body`): the whole envelope as a poll returns it, or only its `data`.
No signature is sent: the provider documents none.

Receiver faults (off by default): `callback_duplicates` exact re-deliveries follow each
acknowledged attempt (an API whose acknowledgement got lost); with `callback_early_progress` a
non-terminal payload is POSTed just before the final one and again right after the final
payload's first attempt (and its duplicates): out-of-order delivery. Those extra POSTs are sent
once each, never retried, and recorded with their `kind`.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from simulator.config import SimulatorConfig
from simulator.scheduler import Scheduler

log = logging.getLogger("simulator")


class _HideCallbackPaths(logging.Filter):
    """httpx logs every request's full URL at INFO; a callback URL's path may carry the
    receiver's secret token, so the dispatcher's own lines show scheme, host and port only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if threading.current_thread().name.startswith("callback-") and record.args:
            record.args = tuple(
                f"{a.scheme}://{a.netloc.decode()}/..." if isinstance(a, httpx.URL) else a
                for a in record.args)  # fmt: skip
        return True


_HIDE = _HideCallbackPaths()


@dataclass(frozen=True)
class DeliveryAttempt:
    request_id: str
    url: str
    attempt: int  # 1 for the first delivery, 2..6 for the retries
    status: int | None  # the receiver's HTTP status, None when no response came
    error: str | None  # why no response came
    at: float
    # "final" (the job's end payload, retried), "duplicate" (a re-delivery of an acknowledged
    # final attempt, same number), "progress" (the early non-terminal payload), "stale" (it again,
    # after the final one).
    kind: str = "final"


class CallbackDispatcher:
    def __init__(self, config: SimulatorConfig, scheduler: Scheduler) -> None:
        self._config = config
        self._scheduler = scheduler
        self._client: httpx.Client | None = None  # made on first use: it costs ~50 ms
        self._attempts: list[DeliveryAttempt] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    @property
    def attempts(self) -> list[DeliveryAttempt]:
        with self._lock:
            return list(self._attempts)

    def deliver(self, request_id: str, url: str, body: bytes,
                progress: bytes | None = None) -> None:
        """Start delivering `body` (JSON bytes) in the background; `progress`, if given, is a
        non-terminal payload sent before it and once more after its first attempt."""
        if self._stopped.is_set():
            return
        # One thread runs progress, first attempt, stale in order, so the order is the fault's.
        threading.Thread(target=self._first, args=(request_id, url, body, progress),
                         name=f"callback-{request_id}-1", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            if self._client is not None:
                self._client.close()

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._stopped.is_set():
                raise RuntimeError("callback dispatcher stopped")
            if self._client is None:
                # trust_env=False: an environment proxy must not swallow loopback callbacks.
                self._client = httpx.Client(trust_env=False, follow_redirects=False)
                if _HIDE not in logging.getLogger("httpx").filters:
                    logging.getLogger("httpx").addFilter(_HIDE)
            return self._client

    def _spawn(self, request_id: str, url: str, body: bytes, attempt: int) -> None:
        if not self._stopped.is_set():
            threading.Thread(target=self._attempt, args=(request_id, url, body, attempt),
                             name=f"callback-{request_id}-{attempt}", daemon=True).start()

    def _first(self, request_id: str, url: str, body: bytes, progress: bytes | None) -> None:
        if progress is not None:
            self._post(request_id, url, progress, 1, "progress")
        self._attempt(request_id, url, body, 1)
        if progress is not None:
            self._post(request_id, url, progress, 1, "stale")

    def _attempt(self, request_id: str, url: str, body: bytes, attempt: int) -> None:
        status = self._post(request_id, url, body, attempt, "final")
        if status is not None and 200 <= status < 300:
            for _ in range(self._config.callback_duplicates):
                self._post(request_id, url, body, attempt, "duplicate")
            return
        retries = self._config.callback_retry_s
        if attempt <= len(retries) and not self._stopped.is_set():
            delay = self._config.scaled(retries[attempt - 1])
            self._scheduler.call_at(time.time() + delay,
                                    lambda: self._spawn(request_id, url, body, attempt + 1))

    def _post(self, request_id: str, url: str, body: bytes, attempt: int,
              kind: str) -> int | None:
        """One POST, recorded; the receiver's status, or None when no response came."""
        status, error = None, None
        try:
            response = self._http().post(
                url, content=body, timeout=self._config.scaled(self._config.callback_timeout_s),
                headers={"Content-Type": "application/json", "User-Agent": "nyne-simulator"})
            status = response.status_code
        except (httpx.HTTPError, RuntimeError) as exc:  # RuntimeError: client closed by stop()
            error = f"{type(exc).__name__}: {exc}"
        if self._stopped.is_set():
            return None
        with self._lock:
            self._attempts.append(DeliveryAttempt(request_id, url, attempt, status, error,
                                                  time.time(), kind))
        # The URL may carry the receiver's secret token: log its host only.
        log.info("callback %s %s attempt %d to %s -> %s", request_id, kind, attempt,
                 urlsplit(url).hostname, status or error)
        return status
