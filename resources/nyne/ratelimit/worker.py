"""The threads that talk to a shared store, so no store call ever blocks an event loop.

Not ``asyncio.to_thread``: a write handed to it that has not started when its event loop ends
is cancelled with the loop's tasks, and a lost release would leave its slot counted until the
lease ends (minutes) for every process of the account. These threads are the interpreter's
(joined at exit), so every write handed over is done, whatever happens to the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any, Callable, Optional

_threads = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="rate-store")


def submit(function: Callable[..., Any], *args: Any, **kwargs: Any) -> concurrent.futures.Future:
    """Start ``function`` in a store thread; its future is never cancelled by a loop."""
    return _threads.submit(function, *args, **kwargs)


async def call(function: Callable[..., Any], *args: Any,
               on_cancel: Optional[Callable[[concurrent.futures.Future], None]] = None,
               **kwargs: Any) -> Any:
    """``function``'s result, awaited without blocking the loop. If the waiter is cancelled,
    the call still completes, and ``on_cancel`` gets its future then (e.g. to give back a slot
    it took)."""
    future = submit(function, *args, **kwargs)
    try:
        return await asyncio.shield(asyncio.wrap_future(future))
    except asyncio.CancelledError:
        if on_cancel is not None:
            future.add_done_callback(on_cancel)
        raise


async def wait_for(futures: set[concurrent.futures.Future]) -> None:
    """Until every future in ``futures`` is done (their errors are the caller's to log)."""
    if futures:
        await asyncio.shield(asyncio.wait([asyncio.wrap_future(f) for f in list(futures)]))
