"""The lookup service's worker thread: leaving it at any moment is quiet and loses nothing.

The race this pins down: the caller has taken every outcome and leaves while the worker thread
is still winding down, its event loop already closed. Cancelling on a closed loop raised
``RuntimeError: Event loop is closed`` from the step (seen once under load). A queue that holds
the worker at exactly that moment forces it every time.
"""

import queue
import threading

import pytest

from resources.lookups.service import _END, _Worker


class _HeldAtTheEnd(queue.Queue):
    """Holds the worker's end-of-work marker until released, and says when it got there."""

    def __init__(self):
        super().__init__()
        self.at_end, self.release = threading.Event(), threading.Event()

    def put(self, item, *args, **kwargs):
        if item is _END:
            self.at_end.set()
            assert self.release.wait(30), "the test never released the worker"
        super().put(item, *args, **kwargs)


def test_leaving_once_the_loop_closed_but_the_thread_still_runs_is_quiet():
    async def work(report):
        report("one")

    worker = _Worker(work)
    held = worker._queue = _HeldAtTheEnd()
    worker.__enter__()
    try:
        assert list(worker.outcomes(1)) == ["one"]
        assert held.at_end.wait(30)
        assert worker._loop.is_closed() and worker._thread.is_alive()  # the racy moment
        join = worker._thread.join

        def release_then_join(*args, **kwargs):  # the worker goes on only once __exit__ joins
            held.release.set()
            return join(*args, **kwargs)

        worker._thread.join = release_then_join
        worker.__exit__(None, None, None)  # raised "Event loop is closed" before the fix
    finally:
        held.release.set()
    assert not worker._thread.is_alive()


def test_leaving_early_cancels_what_still_runs():
    started, cancelled = threading.Event(), threading.Event()

    async def work(report):
        import asyncio

        report("first")
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with _Worker(work) as worker:
        assert next(iter(worker.outcomes(2))) == "first"
        assert started.wait(30)
    assert cancelled.is_set()


def test_an_error_in_the_work_reaches_the_caller():
    async def work(report):
        raise KeyError("boom")

    with _Worker(work) as worker:
        with pytest.raises(KeyError, match="boom"):
            list(worker.outcomes(1))
