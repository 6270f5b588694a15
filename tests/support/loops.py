"""`run_on_own_loop(coro)`: a coroutine run to its end on an event loop of its own, in a worker
thread, for synchronous tests of async services (a test file that ran Playwright's sync API on
this worker may still have its loop running on the main thread)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = ["run_on_own_loop"]

_LOOP_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="own-loop")


def run_on_own_loop(coro: Coroutine[Any, Any, Any]) -> Any:
    return _LOOP_THREAD.submit(asyncio.run, coro).result()
