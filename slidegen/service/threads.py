"""The thread pool that runs blocking work (store queries, parsing) off the event loop.

One bounded pool per process, created on first use (so a forked server worker makes its own).
A slow query then holds one pool thread while the event loop keeps serving every other tab;
the bound keeps a burst of slow queries from opening more threads than the database pool can
serve anyway. The caller's context variables (log fields such as the request id) go along.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["STORE_THREADS", "run_blocking", "run_detached"]

T = TypeVar("T")

log = logging.getLogger(__name__)

STORE_THREADS = 16

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _executor() -> ThreadPoolExecutor:
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        with _lock:
            if _pool is None or _pool_pid != os.getpid():
                _pool = ThreadPoolExecutor(
                    max_workers=STORE_THREADS, thread_name_prefix="slidegen-store"
                )
                _pool_pid = os.getpid()
    return _pool


async def run_blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in the pool; the event loop serves other events meanwhile."""
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_executor(), call)


def run_detached(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Start `fn(*args, **kwargs)` in the pool without waiting for it: for a last write made
    while the caller is being cancelled (and so may not await). Failures are logged."""

    def logged() -> None:
        try:
            fn(*args, **kwargs)
        except Exception:
            log.exception("background store call %s failed", getattr(fn, "__name__", fn))

    _executor().submit(contextvars.copy_context().run, logged)
