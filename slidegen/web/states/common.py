"""Small helpers shared by the state classes: the store, running blocking calls, messages."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from slidegen.server.services import get_store

__all__ = ["blocking", "store", "user_message"]

T = TypeVar("T")


def store() -> Any:
    """The process's deck store (opened and migrated on first use)."""
    return get_store()


async def blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking store call off the event loop, so one slow query never stalls the others."""
    return await asyncio.to_thread(functools.partial(fn, *args, **kwargs))


def user_message(error: BaseException) -> str:
    """A message for the user from a domain error: the error's own text, which names the problem."""
    text = str(error).strip()
    return text or type(error).__name__
