"""Callback delivery: POST a finished job's payload to its `callback_url`, retrying on failure.

Contract (provider): the first attempt goes out when the job ends (completed or failed, choice:
the contract says "when the job finishes"); any 2xx acknowledges; otherwise (other status,
refused connection, timeout) it is retried up to 5 more times after 1 s, 5 s, 15 s, 60 s and
300 s (`callback_retry_s`, scaled), each attempt with a 30 s timeout (scaled). Every attempt is
recorded. Every attempt sends the same bytes, so receivers see exact duplicates.
Body (choice, `callback_body`): the whole envelope as a poll returns it, or only its `data`.
No signature is sent: the provider documents none.
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


@dataclass(frozen=True)
class DeliveryAttempt:
    request_id: str
    url: str
    attempt: int  # 1 for the first delivery, 2..6 for the retries
    status: int | None  # the receiver's HTTP status, None when no response came
    error: str | None  # why no response came
    at: float


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

    def deliver(self, request_id: str, url: str, body: bytes) -> None:
        """Start delivering `body` (JSON bytes) in the background."""
        self._spawn(request_id, url, body, 1)

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
            return self._client

    def _spawn(self, request_id: str, url: str, body: bytes, attempt: int) -> None:
        if not self._stopped.is_set():
            threading.Thread(target=self._attempt, args=(request_id, url, body, attempt),
                             name=f"callback-{request_id}-{attempt}", daemon=True).start()

    def _attempt(self, request_id: str, url: str, body: bytes, attempt: int) -> None:
        status, error = None, None
        try:
            response = self._http().post(
                url, content=body, timeout=self._config.scaled(self._config.callback_timeout_s),
                headers={"Content-Type": "application/json", "User-Agent": "nyne-simulator"})
            status = response.status_code
        except (httpx.HTTPError, RuntimeError) as exc:  # RuntimeError: client closed by stop()
            error = f"{type(exc).__name__}: {exc}"
        if self._stopped.is_set():
            return
        with self._lock:
            self._attempts.append(DeliveryAttempt(request_id, url, attempt, status, error,
                                                  time.time()))
        # The URL may carry the receiver's secret token: log its host only.
        log.info("callback %s attempt %d to %s -> %s", request_id, attempt,
                 urlsplit(url).hostname, status or error)
        retries = self._config.callback_retry_s
        if (status is None or not 200 <= status < 300) and attempt <= len(retries):
            delay = self._config.scaled(retries[attempt - 1])
            self._scheduler.call_at(time.time() + delay,
                                    lambda: self._spawn(request_id, url, body, attempt + 1))
