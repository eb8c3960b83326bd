"""One background thread that runs callables at given wall-clock times.

Jobs finish and callback retries fire from here, so the simulator needs one timer thread
rather than one per job. Callables must be quick (anything slow starts its own thread);
an exception in one is logged and does not stop the others.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("simulator")


class Scheduler:
    def __init__(self) -> None:
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()  # ties run in scheduling order
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="simulator-scheduler",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def call_at(self, when: float, fn: Callable[[], None]) -> None:
        """Run `fn` on the scheduler thread at `when` (a `time.time()` value) or soon after."""
        with self._wake:
            heapq.heappush(self._queue, (when, next(self._order), fn))
            self._wake.notify()

    def stop(self) -> None:
        """Drop everything still queued and end the thread."""
        with self._wake:
            self._stopped = True
            self._queue.clear()
            self._wake.notify()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopped and (
                        not self._queue or self._queue[0][0] > time.time()):
                    timeout = self._queue[0][0] - time.time() if self._queue else None
                    self._wake.wait(timeout)
                if self._stopped:
                    return
                _, _, fn = heapq.heappop(self._queue)
            try:
                fn()
            except Exception:  # a bug in one job must not stop every other job
                log.exception("scheduled task failed")
